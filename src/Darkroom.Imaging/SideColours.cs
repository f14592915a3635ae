namespace Darkroom.Imaging;

/// <summary>
/// The subject's and the background's colours near every pixel, as a model's matte sees them: for each side, the
/// mean and the spread (variance summed over the channels) of the photo's colours, each pixel weighted by how sure
/// the matte is that it belongs to that side (2α − 1 for the subject, 1 − 2α for the background, nothing below zero).
/// Means are taken over a window of the given reach and, where it holds too few samples of a side, over windows three
/// and nine times as wide, so a pixel far from any sure sample still gets the nearest colours. Computed once for the
/// whole photo on a grid shrunk by a factor (the means are smooth at that scale), then sampled bilinearly, so that
/// tiles of a refinement all see the same estimates and no seam appears between them; memory is a few planes of the
/// shrunk grid.
/// </summary>
internal sealed class SideColours
{
    private const float Few = 0.02f;

    // Window widths in units of the reach, widest first: each nearer one overwrites where it holds enough samples.
    private static readonly int[] Scales = [9, 3, 1];

    // Per side (0: subject, 1: background): mean R, G, B, then spread; NaN where no window held enough samples.
    private readonly float[][][] planes;
    private readonly int factor, gridWidth, gridHeight;

    private SideColours(float[][][] planes, int factor, int gridWidth, int gridHeight)
    {
        this.planes = planes;
        this.factor = factor;
        this.gridWidth = gridWidth;
        this.gridHeight = gridHeight;
    }

    /// <param name="pixels">The photo, RGB bytes, <paramref name="width"/> x <paramref name="height"/>.</param>
    /// <param name="matte">The model's matte, bytes, the same size.</param>
    /// <param name="reach">The nearest window's radius in full-resolution pixels.</param>
    public static SideColours Estimate(byte[] pixels, byte[] matte, int width, int height, int reach)
    {
        int factor = Math.Max(1, reach / 5);
        // Every second or third pixel where a cell is 4 or more wide: the cells' means hardly change.
        int step = Math.Clamp(factor / 2, 1, 3);
        int gw = (width + factor - 1) / factor, gh = (height + factor - 1) / factor, n = gw * gh;
        float[][][] result = new float[2][][];
        Parallel.For(0, 2, side =>
        {
            // Weighted sums per grid cell: weight, weight·R, weight·G, weight·B, weight·|colour|².
            float[][] sums = [new float[n], new float[n], new float[n], new float[n], new float[n]];
            for (int y = 0; y < height; y += step)
            {
                int row = (y / factor) * gw;
                for (int x = 0; x < width; x += step)
                {
                    int i = (y * width) + x;
                    float a = matte[i] / 255f, weight = side == 0 ? (2 * a) - 1 : 1 - (2 * a);
                    if (weight <= 0)
                    {
                        continue;
                    }

                    float r = pixels[i * 3] / 255f, g = pixels[(i * 3) + 1] / 255f, b = pixels[(i * 3) + 2] / 255f;
                    int cell = row + (x / factor);
                    sums[0][cell] += weight;
                    sums[1][cell] += weight * r;
                    sums[2][cell] += weight * g;
                    sums[3][cell] += weight * b;
                    sums[4][cell] += weight * ((r * r) + (g * g) + (b * b));
                }
            }

            // A cell's weight as a share of its pixels, so that "too few" means the same at every factor.
            float area = factor * factor / (float)(step * step);
            foreach (float[] plane in sums)
            {
                for (int c = 0; c < n; c++)
                {
                    plane[c] /= area;
                }
            }

            float[][] side3 = [new float[n], new float[n], new float[n], new float[n]];
            foreach (float[] plane in side3)
            {
                Array.Fill(plane, float.NaN);
            }

            float[] scratch = new float[n];
            float[][] window = [new float[n], new float[n], new float[n], new float[n], new float[n]];
            foreach (int scale in Scales)
            {
                int radius = Math.Max(1, (int)Math.Round(scale * reach / (double)factor));
                for (int k = 0; k < 5; k++)
                {
                    Array.Copy(sums[k], window[k], n);
                    GuidedFilter.BoxMean(window[k], scratch, gw, gh, radius);
                }

                for (int c = 0; c < n; c++)
                {
                    float w = window[0][c];
                    if (w < Few)
                    {
                        continue;
                    }

                    float r = window[1][c] / w, g = window[2][c] / w, b = window[3][c] / w;
                    side3[0][c] = r;
                    side3[1][c] = g;
                    side3[2][c] = b;
                    side3[3][c] = Math.Max(0, (window[4][c] / w) - ((r * r) + (g * g) + (b * b)));
                }
            }

            result[side] = side3;
        });

        return new SideColours(result, factor, gw, gh);
    }

    /// <summary>The subject's colour F, the background's B and their spreads at a full-resolution pixel; false where unknown.</summary>
    public bool At(int x, int y, Span<float> fore, Span<float> back, out float foreSpread, out float backSpread)
    {
        float gx = Math.Clamp(((x + 0.5f) / factor) - 0.5f, 0, gridWidth - 1), gy = Math.Clamp(((y + 0.5f) / factor) - 0.5f, 0, gridHeight - 1);
        int x0 = (int)gx, y0 = (int)gy, x1 = Math.Min(gridWidth - 1, x0 + 1), y1 = Math.Min(gridHeight - 1, y0 + 1);
        float wx = gx - x0, wy = gy - y0;
        int i00 = (y0 * gridWidth) + x0, i01 = (y0 * gridWidth) + x1, i10 = (y1 * gridWidth) + x0, i11 = (y1 * gridWidth) + x1;
        float Sample(float[] p) => ((p[i00] * (1 - wx)) + (p[i01] * wx)) * (1 - wy) + (((p[i10] * (1 - wx)) + (p[i11] * wx)) * wy);
        for (int c = 0; c < 3; c++)
        {
            fore[c] = Sample(planes[0][c]);
            back[c] = Sample(planes[1][c]);
        }

        foreSpread = Sample(planes[0][3]);
        backSpread = Sample(planes[1][3]);
        // A NaN corner (no sample of that side anywhere near) makes the pixel unknown.
        return !float.IsNaN(fore[0]) && !float.IsNaN(back[0]) && !float.IsNaN(foreSpread) && !float.IsNaN(backSpread);
    }
}
