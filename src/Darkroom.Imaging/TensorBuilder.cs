namespace Darkroom.Imaging;

/// <summary>Interleaved 8-bit RGB to planar NCHW float32, normalised per channel.</summary>
public static class TensorBuilder
{
    /// <param name="rgb">width x height x 3 bytes, row-major, interleaved.</param>
    /// <param name="destination">3 x width x height floats: the R plane, then G, then B.</param>
    public static void ToNchw(ReadOnlySpan<byte> rgb, int width, int height, ChannelNormalization normalization, Span<float> destination)
    {
        int plane = width * height;
        if (rgb.Length < plane * 3 || destination.Length < plane * 3)
        {
            throw new ArgumentException($"Need {plane * 3} pixels' worth of input and output for {width}x{height}.");
        }

        float r0 = normalization.Mean[0], g0 = normalization.Mean[1], b0 = normalization.Mean[2];
        float rs = 1f / normalization.Std[0], gs = 1f / normalization.Std[1], bs = 1f / normalization.Std[2];
        Span<float> r = destination[..plane];
        Span<float> g = destination.Slice(plane, plane);
        Span<float> b = destination.Slice(2 * plane, plane);
        for (int i = 0, p = 0; i < plane; i++, p += 3)
        {
            r[i] = (rgb[p] - r0) * rs;
            g[i] = (rgb[p + 1] - g0) * gs;
            b[i] = (rgb[p + 2] - b0) * bs;
        }
    }
}
