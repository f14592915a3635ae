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
    /// resolution. A one-band matte scaled up is done here (<see cref="Upscale"/>); anything else by libvips.
    /// </summary>
    public static Image ToSize(Image matte, int width, int height)
    {
        if (matte.Bands == 1 && matte.Format == Enums.BandFormat.Uchar && width >= matte.Width && height >= matte.Height && (width > matte.Width || height > matte.Height))
        {
            byte[] scaled = Upscale(PixelImage.Read(matte), matte.Width, matte.Height, width, height);
            return Image.NewFromMemory(scaled, width, height, 1, Enums.BandFormat.Uchar);
        }

        using Image sized = Regions.ToExactSize(matte, width, height, Enums.Kernel.Lanczos3);
        return sized.Cast(Enums.BandFormat.Uchar);
    }

    /// <summary>
    /// One band of bytes scaled up by the Catmull–Rom cubic, as libvips' resize enlarges (its bicubic interpolator,
    /// output x sampling input x·w/W − ½, edges repeated; the same bytes within 3 levels, its arithmetic being fixed
    /// point): each output row mixes four input rows, then four of that row's columns. Written out because libvips took
    /// 160–190 ms for a 1024² matte to 12 MP on this 2-core machine against 70–90 ms here, and the refinement waits
    /// for it.
    /// </summary>
    private static byte[] Upscale(byte[] source, int sourceWidth, int sourceHeight, int width, int height)
    {
        (int[] columns, float[] columnWeights) = Taps(sourceWidth, width);
        (int[] rows, float[] rowWeights) = Taps(sourceHeight, height);
        byte[] output = new byte[width * height];
        int chunk = Math.Max(16, height / (4 * Environment.ProcessorCount));
        Parallel.For(0, (height + chunk - 1) / chunk, part =>
        {
            float[] line = new float[sourceWidth];
            for (int y = part * chunk; y < Math.Min(height, (part + 1) * chunk); y++)
            {
                int r0 = rows[4 * y] * sourceWidth, r1 = rows[(4 * y) + 1] * sourceWidth, r2 = rows[(4 * y) + 2] * sourceWidth, r3 = rows[(4 * y) + 3] * sourceWidth;
                float w0 = rowWeights[4 * y], w1 = rowWeights[(4 * y) + 1], w2 = rowWeights[(4 * y) + 2], w3 = rowWeights[(4 * y) + 3];
                for (int x = 0; x < sourceWidth; x++)
                {
                    line[x] = (w0 * source[r0 + x]) + (w1 * source[r1 + x]) + (w2 * source[r2 + x]) + (w3 * source[r3 + x]);
                }

                Span<byte> target = output.AsSpan(y * width, width);
                for (int x = 0; x < width; x++)
                {
                    int k = 4 * x;
                    float v = (columnWeights[k] * line[columns[k]]) + (columnWeights[k + 1] * line[columns[k + 1]])
                        + (columnWeights[k + 2] * line[columns[k + 2]]) + (columnWeights[k + 3] * line[columns[k + 3]]);
                    target[x] = v <= 0f ? (byte)0 : v >= 255f ? (byte)255 : (byte)(v + 0.5f);
                }
            }
        });

        return output;
    }

    /// <summary>For each output position, the four input indices (clamped to the edge) and their Catmull–Rom weights.</summary>
    private static (int[] Indices, float[] Weights) Taps(int sourceLength, int length)
    {
        int[] indices = new int[4 * length];
        float[] weights = new float[4 * length];
        double scale = (double)sourceLength / length;
        for (int x = 0; x < length; x++)
        {
            double at = (x * scale) - 0.5;
            int left = (int)Math.Floor(at);
            double t = at - left;
            for (int k = 0; k < 4; k++)
            {
                indices[(4 * x) + k] = Math.Clamp(left - 1 + k, 0, sourceLength - 1);
                weights[(4 * x) + k] = (float)CatmullRom(t + 1 - k);
            }
        }

        return (indices, weights);
    }

    /// <summary>The Catmull–Rom kernel (the cubic with a = −½) at distance d.</summary>
    private static double CatmullRom(double d)
    {
        d = Math.Abs(d);
        return d < 1 ? (((1.5 * d) - 2.5) * d * d) + 1 : d < 2 ? (((((-0.5 * d) + 2.5) * d) - 4) * d) + 2 : 0;
    }
}
