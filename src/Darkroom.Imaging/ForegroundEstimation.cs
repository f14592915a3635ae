namespace Darkroom.Imaging;

/// <summary>
/// Multi-level foreground estimation (Germer, Uelwer, Conrad and Harmeling, 2020): given the photo I and alpha α,
/// find the subject's colour F and the background's B so that α·F + (1 − α)·B ≈ I while F and B stay smooth where
/// α does not change. Solved from a 1x1 image up to the full size, each level started from the one before (scaled
/// up) and relaxed a few times: every pixel solves its own 2x2 system per channel against its four neighbours,
/// which are weighted ε + ω·|Δα| so colour does not flow across the subject's own edges.
/// </summary>
internal static class ForegroundEstimation
{
    private const float Epsilon = 5e-3f, Omega = 0.1f;

    /// <param name="image">Three planes, values in 0–1.</param>
    /// <param name="alpha">Values in 0–1, the same size.</param>
    /// <param name="start">
    /// Optional first guesses of F and B (three planes each, values in 0–1, on a grid of <see cref="StartSize"/> over
    /// the image): the solve then starts from them at that size instead of from one pixel, so that pieces of one photo
    /// solved apart (tiles) share their large-scale colours and meet without a seam.
    /// </param>
    /// <param name="scratch">Where the planes come from (a tile worker's), or null for new arrays.</param>
    /// <returns>F as three planes, the same size.</returns>
    public static float[][] Solve(float[][] image, float[] alpha, int width, int height, (float[][] F, float[][] B)? start = null, Scratch? scratch = null)
    {
        int levels = (int)Math.Ceiling(Math.Log2(Math.Max(2, Math.Max(width, height))));
        float[][] f = new float[3][], b = new float[3][];
        int pw = 1, ph = 1, first = 0;
        if (start is { } guess)
        {
            // The first level about an eighth of the size.
            while (first < levels && Math.Pow(Math.Max(width, height), first / (double)levels) < Math.Max(width, height) / 8.0)
            {
                first++;
            }

            (pw, ph) = StartSize(width, height);
            for (int c = 0; c < 3; c++)
            {
                f[c] = guess.F[c];
                b[c] = guess.B[c];
            }
        }
        else
        {
            for (int c = 0; c < 3; c++)
            {
                double sum = 0;
                foreach (float v in image[c])
                {
                    sum += v;
                }

                f[c] = [(float)(sum / image[c].Length)];
                b[c] = [(float)(sum / image[c].Length)];
            }
        }

        for (int level = first; level <= levels; level++)
        {
            int lw = Math.Max(1, (int)Math.Round(Math.Pow(width, level / (double)levels)));
            int lh = Math.Max(1, (int)Math.Round(Math.Pow(height, level / (double)levels)));
            float[] a = Nearest(alpha, width, height, lw, lh, scratch);
            float[][] img = new float[3][];
            for (int c = 0; c < 3; c++)
            {
                img[c] = Nearest(image[c], width, height, lw, lh, scratch);
                f[c] = Nearest(f[c], pw, ph, lw, lh, scratch);
                b[c] = Nearest(b[c], pw, ph, lw, lh, scratch);
            }

            int iterations = lw <= 32 && lh <= 32 ? 10 : 2;
            bool[]? active = lw <= 32 && lh <= 32 ? null : Active(a, lw, lh, scratch);
            for (int k = 0; k < iterations; k++)
            {
                Relax(img, a, f, b, lw, lh, active);
            }

            pw = lw;
            ph = lh;
        }

        return f;
    }

    /// <summary>The grid a first guess is given on: an eighth of the image's size, at least one pixel.</summary>
    public static (int Width, int Height) StartSize(int width, int height) => (Math.Max(1, (width + 7) / 8), Math.Max(1, (height + 7) / 8));

    /// <summary>
    /// Pixels within two of a partly transparent one. Elsewhere alpha is 0 or 1 all around: F (or B) is the photo
    /// itself there, or does not matter, and the level below already carried it up; relaxing it again changes nothing
    /// that is kept.
    /// </summary>
    private static bool[] Active(float[] alpha, int width, int height, Scratch? scratch)
    {
        byte[] partial = Scratch.Plane<byte>(scratch, alpha.Length);
        for (int i = 0; i < alpha.Length; i++)
        {
            partial[i] = alpha[i] is > 0f and < 1f ? (byte)255 : (byte)0;
        }

        MaskOps.Dilate(partial, width, height, 2, scratch);
        bool[] active = Scratch.Plane<bool>(scratch, alpha.Length);
        for (int i = 0; i < alpha.Length; i++)
        {
            active[i] = partial[i] != 0;
        }

        return active;
    }

    /// <summary>
    /// One Gauss–Seidel sweep in raster order. The four neighbours (left, right, up, down) are written out one by one and
    /// the planes held in locals: the same arithmetic in the same order as a loop over them, without its per-neighbour
    /// offset arithmetic and jagged-array loads (at 12 MP the colour solve was over half the tiles' time, this sweep most of it).
    /// </summary>
    private static void Relax(float[][] image, float[] alpha, float[][] f, float[][] b, int width, int height, bool[]? active)
    {
        float[] i0 = image[0], i1 = image[1], i2 = image[2];
        float[] f0 = f[0], f1 = f[1], f2 = f[2], b0 = b[0], b1 = b[1], b2 = b[2];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int i = (y * width) + x;
                if (active is not null && !active[i])
                {
                    continue;
                }

                float a = alpha[i], a1 = 1 - a, weights = 0;
                float sf0 = 0, sf1 = 0, sf2 = 0, sb0 = 0, sb1 = 0, sb2 = 0;
                if (x > 0)
                {
                    Gather(i - 1);
                }

                if (x < width - 1)
                {
                    Gather(i + 1);
                }

                if (y > 0)
                {
                    Gather(i - width);
                }

                if (y < height - 1)
                {
                    Gather(i + width);
                }

                float m00 = (a * a) + weights, m01 = a * a1, m11 = (a1 * a1) + weights;
                float det = (m00 * m11) - (m01 * m01);
                if (det < 1e-9f)
                {
                    // A lone pixel (the 1x1 level) has no neighbours to decide F and B apart: keep what it has.
                    continue;
                }

                Solve(i0, f0, b0, sf0, sb0);
                Solve(i1, f1, b1, sf1, sb1);
                Solve(i2, f2, b2, sf2, sb2);

                void Gather(int j)
                {
                    float w = Epsilon + (Omega * Math.Abs(a - alpha[j]));
                    weights += w;
                    sf0 += w * f0[j];
                    sb0 += w * b0[j];
                    sf1 += w * f1[j];
                    sb1 += w * b1[j];
                    sf2 += w * f2[j];
                    sb2 += w * b2[j];
                }

                void Solve(float[] plane, float[] fc, float[] bc, float sumF, float sumB)
                {
                    float r0 = (a * plane[i]) + sumF, r1 = (a1 * plane[i]) + sumB;
                    fc[i] = Math.Clamp(((m11 * r0) - (m01 * r1)) / det, 0f, 1f);
                    bc[i] = Math.Clamp(((m00 * r1) - (m01 * r0)) / det, 0f, 1f);
                }
            }
        }
    }

    private static float[] Nearest(float[] plane, int width, int height, int toWidth, int toHeight, Scratch? scratch)
    {
        if (width == toWidth && height == toHeight)
        {
            return plane;
        }

        float[] scaled = Scratch.Plane<float>(scratch, toWidth * toHeight);
        for (int y = 0; y < toHeight; y++)
        {
            int sy = Math.Min(height - 1, (int)((long)y * height / toHeight));
            for (int x = 0; x < toWidth; x++)
            {
                scaled[(y * toWidth) + x] = plane[(sy * width) + Math.Min(width - 1, (int)((long)x * width / toWidth))];
            }
        }

        return scaled;
    }
}
