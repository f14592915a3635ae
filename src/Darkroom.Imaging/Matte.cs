using NetVips;

namespace Darkroom.Imaging;

/// <summary>Converts between a model's probability map and an 8-bit matte image.</summary>
public static class Matte
{
    /// <summary>Probabilities in [0, 1] (clamped) to a one-band uchar image of the same size.</summary>
    public static Image FromProbabilities(ReadOnlySpan<float> probabilities, int width, int height)
    {
        byte[] bytes = new byte[width * height];
        for (int i = 0; i < bytes.Length; i++)
        {
            float v = probabilities[i] * 255f + 0.5f;
            bytes[i] = v <= 0f ? (byte)0 : v >= 255f ? (byte)255 : (byte)v;
        }

        return Image.NewFromMemory(bytes, width, height, 1, Enums.BandFormat.Uchar);
    }

    /// <summary>
    /// The matte (or any uchar image) scaled to the photo's size with a smooth kernel, so edges stay soft at full
    /// resolution.
    /// </summary>
    public static Image ToSize(Image matte, int width, int height)
    {
        using Image sized = Regions.ToExactSize(matte, width, height, Enums.Kernel.Lanczos3);
        return sized.Cast(Enums.BandFormat.Uchar);
    }
}
