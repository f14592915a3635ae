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
    /// One Gauss–Seidel sweep in raster order. The four neighbours (left, right, up, down) are written out, the planes held
    /// in locals and a neighbour off the plane given weight 0, so the body has no calls, loops or branches per neighbour
    /// (at 12 MP the colour solve is the largest part of the tiles' time, this sweep most of it; local functions for the
    /// neighbour sums were not inlined by the JIT: a call per neighbour and channel showed in a profile).
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

                // A neighbour off the plane has weight 0 (and reads the pixel itself).
                float a = alpha[i], a1 = 1 - a;
                int jl = x > 0 ? i - 1 : i, jr = x < width - 1 ? i + 1 : i, ju = y > 0 ? i - width : i, jd = y < height - 1 ? i + width : i;
                float wl = jl != i ? Epsilon + (Omega * Math.Abs(a - alpha[jl])) : 0f;
                float wr = jr != i ? Epsilon + (Omega * Math.Abs(a - alpha[jr])) : 0f;
                float wu = ju != i ? Epsilon + (Omega * Math.Abs(a - alpha[ju])) : 0f;
                float wd = jd != i ? Epsilon + (Omega * Math.Abs(a - alpha[jd])) : 0f;
                float weights = wl + wr + wu + wd;
                float sf0 = (wl * f0[jl]) + (wr * f0[jr]) + (wu * f0[ju]) + (wd * f0[jd]);
                float sb0 = (wl * b0[jl]) + (wr * b0[jr]) + (wu * b0[ju]) + (wd * b0[jd]);
                float sf1 = (wl * f1[jl]) + (wr * f1[jr]) + (wu * f1[ju]) + (wd * f1[jd]);
                float sb1 = (wl * b1[jl]) + (wr * b1[jr]) + (wu * b1[ju]) + (wd * b1[jd]);
                float sf2 = (wl * f2[jl]) + (wr * f2[jr]) + (wu * f2[ju]) + (wd * f2[jd]);
                float sb2 = (wl * b2[jl]) + (wr * b2[jr]) + (wu * b2[ju]) + (wd * b2[jd]);

                float m00 = (a * a) + weights, m01 = a * a1, m11 = (a1 * a1) + weights;
                float det = (m00 * m11) - (m01 * m01);
                if (det < 1e-9f)
                {
                    // A lone pixel (the 1x1 level) has no neighbours to decide F and B apart: keep what it has.
                    continue;
                }

                float inverse = 1 / det;
                float r0 = (a * i0[i]) + sf0, r1 = (a1 * i0[i]) + sb0;
                f0[i] = Math.Clamp(((m11 * r0) - (m01 * r1)) * inverse, 0f, 1f);
                b0[i] = Math.Clamp(((m00 * r1) - (m01 * r0)) * inverse, 0f, 1f);
                r0 = (a * i1[i]) + sf1;
                r1 = (a1 * i1[i]) + sb1;
                f1[i] = Math.Clamp(((m11 * r0) - (m01 * r1)) * inverse, 0f, 1f);
                b1[i] = Math.Clamp(((m00 * r1) - (m01 * r0)) * inverse, 0f, 1f);
                r0 = (a * i2[i]) + sf2;
                r1 = (a1 * i2[i]) + sb2;
                f2[i] = Math.Clamp(((m11 * r0) - (m01 * r1)) * inverse, 0f, 1f);
                b2[i] = Math.Clamp(((m00 * r1) - (m01 * r0)) * inverse, 0f, 1f);
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
        int[] columns = Scratch.Plane<int>(scratch, toWidth);
        for (int x = 0; x < toWidth; x++)
        {
            columns[x] = Math.Min(width - 1, (int)((long)x * width / toWidth));
        }

        for (int y = 0; y < toHeight; y++)
        {
            int from = Math.Min(height - 1, (int)((long)y * height / toHeight)) * width, to = y * toWidth;
            for (int x = 0; x < toWidth; x++)
            {
                scaled[to + x] = plane[from + columns[x]];
            }
        }

        return scaled;
    }
}
