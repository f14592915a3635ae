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

    /// <summary>The matte scaled to the photo's size with a smooth kernel, so edges stay soft at full resolution.</summary>
    public static Image ToSize(Image matte, int width, int height)
    {
        if (matte.Width == width && matte.Height == height)
        {
            return matte.Copy();
        }

        using Image scaled = matte.Resize((double)width / matte.Width, kernel: Enums.Kernel.Lanczos3, vscale: (double)height / matte.Height);
        // Resize rounds each side; pad or trim the odd pixel so the matte lines up with the photo exactly.
        using Image sized = scaled.Gravity(Enums.CompassDirection.NorthWest, width, height, extend: Enums.Extend.Copy);
        return sized.Cast(Enums.BandFormat.Uchar);
    }
}
