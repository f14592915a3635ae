using System.Numerics;

namespace Darkroom.Imaging;

/// <summary>
/// The colour guided filter (He, Sun and Tang, 2010): in every (2r + 1)² window the output is a linear function of
/// the guide's three colours, q = a·I + b, fitted to the input by ridge regression (ε regularises a); each pixel
/// averages the fits of the windows that cover it. Box means are running sums, so the cost does not grow with r.
/// </summary>
internal static class GuidedFilter
{
    /// <summary>
    /// The filter with its linear fits made on a copy shrunk by <paramref name="subsample"/> (box-averaged) and their
    /// window means scaled back up bilinearly, then applied to the full-resolution guide: the "fast guided filter"
    /// of He and Sun (2015), a quarter of the work at a subsample of 2 for nearly the same output.
    /// </summary>
    /// <param name="guide">Three planes, values in 0–1, <paramref name="width"/> x <paramref name="height"/>.</param>
    /// <param name="input">The plane to filter, the same size.</param>
    /// <param name="scratch">Where the planes come from (a tile worker's), or null for new arrays.</param>
    /// <param name="window">
    /// The part of the plane whose output is wanted (left, top, width, height), or null for all of it: the fits still
    /// see the whole input, only the full-resolution output (its costliest step) is limited to the window.
    /// </param>
    /// <returns>The filtered plane, the window's size.</returns>
    public static float[] Apply(float[][] guide, float[] input, int width, int height, int radius, float epsilon, int subsample, Scratch? scratch = null, (int Left, int Top, int Width, int Height)? window = null)
    {
        (int left, int top, int outWidth, int outHeight) = window ?? (0, 0, width, height);
        int sw = (width + subsample - 1) / subsample, sh = (height + subsample - 1) / subsample, n = sw * sh;
        float[] r = Shrink(guide[0], width, height, subsample, scratch), g = Shrink(guide[1], width, height, subsample, scratch), b = Shrink(guide[2], width, height, subsample, scratch);
        float[] p = Shrink(input, width, height, subsample, scratch);
        int rs = Math.Max(1, radius / subsample);
        var box = new Box(Scratch.Plane<float>(scratch, n), new double[sw], sw, sh, rs, scratch);
        float[] mr = box.Product(r, null), mg = box.Product(g, null), mb = box.Product(b, null), mp = box.Product(p, null);
        float[] mrp = box.Product(r, p), mgp = box.Product(g, p), mbp = box.Product(b, p);
        float[] rr = box.Product(r, r), rg = box.Product(r, g), rb = box.Product(r, b);
        float[] gg = box.Product(g, g), gb = box.Product(g, b), bb = box.Product(b, b);

        // Per window: solve (Σ + εU) a = cov(I, p); b = mean(p) − a·mean(I). The planes are reused for a and b.
        for (int i = 0; i < n; i++)
        {
            double vrr = rr[i] - (mr[i] * mr[i]) + epsilon, vrg = rg[i] - (mr[i] * mg[i]), vrb = rb[i] - (mr[i] * mb[i]);
            double vgg = gg[i] - (mg[i] * mg[i]) + epsilon, vgb = gb[i] - (mg[i] * mb[i]), vbb = bb[i] - (mb[i] * mb[i]) + epsilon;
            double cr = mrp[i] - (mr[i] * mp[i]), cg = mgp[i] - (mg[i] * mp[i]), cb = mbp[i] - (mb[i] * mp[i]);

            // The inverse of the symmetric 3x3 matrix by cofactors.
            double i00 = (vgg * vbb) - (vgb * vgb), i01 = (vrb * vgb) - (vrg * vbb), i02 = (vrg * vgb) - (vrb * vgg);
            double i11 = (vrr * vbb) - (vrb * vrb), i12 = (vrb * vrg) - (vrr * vgb), i22 = (vrr * vgg) - (vrg * vrg);
            double det = (vrr * i00) + (vrg * i01) + (vrb * i02);
            double ar = ((i00 * cr) + (i01 * cg) + (i02 * cb)) / det;
            double ag = ((i01 * cr) + (i11 * cg) + (i12 * cb)) / det;
            double ab = ((i02 * cr) + (i12 * cg) + (i22 * cb)) / det;
            rr[i] = (float)ar;
            gg[i] = (float)ag;
            bb[i] = (float)ab;
            mp[i] = (float)(mp[i] - (ar * mr[i]) - (ag * mg[i]) - (ab * mb[i]));
        }

        box.Mean(rr);
        box.Mean(gg);
        box.Mean(bb);
        box.Mean(mp);
        float[] output = Scratch.Plane<float>(scratch, outWidth * outHeight);
        float[] fr = guide[0], fg = guide[1], fb = guide[2];
        float inverse = 1f / subsample;

        // Bilinear, with the low-resolution samples at the centres of their blocks; the columns' samples and weights
        // are the same on every row.
        int[] left0 = Scratch.Plane<int>(scratch, outWidth), left1 = Scratch.Plane<int>(scratch, outWidth);
        float[] rightWeight = Scratch.Plane<float>(scratch, outWidth);
        for (int ox = 0; ox < outWidth; ox++)
        {
            float sx = Math.Clamp(((left + ox + 0.5f) * inverse) - 0.5f, 0, sw - 1);
            left0[ox] = (int)sx;
            left1[ox] = Math.Min(sw - 1, left0[ox] + 1);
            rightWeight[ox] = sx - left0[ox];
        }

        for (int oy = 0; oy < outHeight; oy++)
        {
            int y = top + oy;
            float sy = Math.Clamp(((y + 0.5f) * inverse) - 0.5f, 0, sh - 1);
            int y0 = (int)sy, y1 = Math.Min(sh - 1, y0 + 1);
            float wy = sy - y0;
            int row0 = y0 * sw, row1 = y1 * sw, from = (y * width) + left, to = oy * outWidth;
            for (int ox = 0; ox < outWidth; ox++)
            {
                float wx = rightWeight[ox];
                int i00 = row0 + left0[ox], i01 = row0 + left1[ox], i10 = row1 + left0[ox], i11 = row1 + left1[ox];
                float w00 = (1 - wx) * (1 - wy), w01 = wx * (1 - wy), w10 = (1 - wx) * wy, w11 = wx * wy;
                float ar = (rr[i00] * w00) + (rr[i01] * w01) + (rr[i10] * w10) + (rr[i11] * w11);
                float ag = (gg[i00] * w00) + (gg[i01] * w01) + (gg[i10] * w10) + (gg[i11] * w11);
                float ab = (bb[i00] * w00) + (bb[i01] * w01) + (bb[i10] * w10) + (bb[i11] * w11);
                float bias = (mp[i00] * w00) + (mp[i01] * w01) + (mp[i10] * w10) + (mp[i11] * w11);
                int i = from + ox;
                output[to + ox] = (ar * fr[i]) + (ag * fg[i]) + (ab * fb[i]) + bias;
            }
        }

        return output;
    }

    /// <summary>Window means over one plane size, sharing their work buffers.</summary>
    private readonly record struct Box(float[] Work, double[] Sums, int Width, int Height, int Radius, Scratch? Scratch)
    {
        /// <summary>The window mean of a plane, or of the product of two, as a new plane.</summary>
        public float[] Product(float[] a, float[]? b)
        {
            float[] plane = Imaging.Scratch.Plane<float>(Scratch, a.Length);
            if (b is null)
            {
                Array.Copy(a, plane, a.Length);
            }
            else
            {
                for (int i = 0; i < plane.Length; i++)
                {
                    plane[i] = a[i] * b[i];
                }
            }

            Mean(plane);
            return plane;
        }

        public void Mean(float[] plane) => BoxMean(plane, Work, Width, Height, Radius, Sums);
    }

    /// <summary>The plane shrunk by a whole factor, each output the mean of its block (partial blocks at the edges too).</summary>
    private static float[] Shrink(float[] plane, int width, int height, int factor, Scratch? scratch)
    {
        if (factor == 1)
        {
            return plane;
        }

        int sw = (width + factor - 1) / factor, sh = (height + factor - 1) / factor;
        float[] sum = Scratch.Plane<float>(scratch, sw * sh, clear: true);
        for (int y = 0; y < height; y++)
        {
            int row = (y / factor) * sw, from = y * width;
            for (int bx = 0; bx < sw; bx++)
            {
                int start = from + (bx * factor), end = from + Math.Min(width, (bx + 1) * factor);
                float block = 0;
                for (int i = start; i < end; i++)
                {
                    block += plane[i];
                }

                sum[row + bx] += block;
            }
        }

        for (int by = 0; by < sh; by++)
        {
            int rows = Math.Min(factor, height - (by * factor));
            for (int bx = 0; bx < sw; bx++)
            {
                sum[(by * sw) + bx] /= rows * Math.Min(factor, width - (bx * factor));
            }
        }

        return sum;
    }

    /// <summary>The mean over the (2r + 1)² window clipped to the plane, in place; <paramref name="scratch"/> is the same size.</summary>
    /// <param name="sums">Column sums, <paramref name="width"/> long (any contents), or null for a new array.</param>
    /// <remarks>The sums are kept in double (running sums over a whole row or column); each mean multiplies by the count's reciprocal, taken once per window size (a division per pixel and pass was most of the cost).</remarks>
    public static void BoxMean(float[] plane, float[] scratch, int width, int height, int radius, double[]? sums = null)
    {
        Span<double> inverse = stackalloc double[(2 * Math.Min(radius, Math.Max(width, height))) + 2];
        for (int k = 1; k < inverse.Length; k++)
        {
            inverse[k] = 1.0 / k;
        }

        // Along the rows: four rows at a time, so that four running sums (independent chains of additions) share
        // each step; a single running sum waited on its own additions' latency.
        int y4 = height - (height % 4);
        for (int y = 0; y < y4; y += 4)
        {
            int r0 = y * width, r1 = r0 + width, r2 = r1 + width, r3 = r2 + width;
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (int x = 0; x < Math.Min(radius, width); x++)
            {
                s0 += plane[r0 + x];
                s1 += plane[r1 + x];
                s2 += plane[r2 + x];
                s3 += plane[r3 + x];
            }

            for (int x = 0; x < width; x++)
            {
                int enter = x + radius, leave = x - radius - 1;
                if (enter < width)
                {
                    s0 += plane[r0 + enter];
                    s1 += plane[r1 + enter];
                    s2 += plane[r2 + enter];
                    s3 += plane[r3 + enter];
                }

                if (leave >= 0)
                {
                    s0 -= plane[r0 + leave];
                    s1 -= plane[r1 + leave];
                    s2 -= plane[r2 + leave];
                    s3 -= plane[r3 + leave];
                }

                double share = inverse[Math.Min(width - 1, enter) - Math.Max(0, x - radius) + 1];
                scratch[r0 + x] = (float)(s0 * share);
                scratch[r1 + x] = (float)(s1 * share);
                scratch[r2 + x] = (float)(s2 * share);
                scratch[r3 + x] = (float)(s3 * share);
            }
        }

        for (int y = y4; y < height; y++)
        {
            int row = y * width;
            double sum = 0;
            for (int x = 0; x < Math.Min(radius, width); x++)
            {
                sum += plane[row + x];
            }

            for (int x = 0; x < width; x++)
            {
                int enter = x + radius, leave = x - radius - 1;
                if (enter < width)
                {
                    sum += plane[row + enter];
                }

                if (leave >= 0)
                {
                    sum -= plane[row + leave];
                }

                scratch[row + x] = (float)(sum * inverse[Math.Min(width - 1, enter) - Math.Max(0, x - radius) + 1]);
            }
        }

        if (sums is null)
        {
            sums = new double[width];
        }
        else
        {
            Array.Clear(sums, 0, width);
        }

        for (int y = 0; y < Math.Min(radius, height); y++)
        {
            for (int x = 0; x < width; x++)
            {
                sums[x] += scratch[(y * width) + x];
            }
        }

        for (int y = 0; y < height; y++)
        {
            int enter = y + radius, leave = y - radius - 1;
            double share = inverse[Math.Min(height - 1, enter) - Math.Max(0, y - radius) + 1];
            Span<double> column = sums.AsSpan(0, width);
            Span<float> output = plane.AsSpan(y * width, width);
            ReadOnlySpan<float> add = enter < height ? scratch.AsSpan(enter * width, width) : default;
            ReadOnlySpan<float> remove = leave >= 0 ? scratch.AsSpan(leave * width, width) : default;
            ColumnStep(column, add, remove, output, share);
        }
    }

    /// <summary>
    /// One row of the down-the-columns pass: each column's sum takes the entering row and gives back the leaving one
    /// (either may be empty), and the row's means are the sums times the count's reciprocal; in vectors of doubles.
    /// </summary>
    private static void ColumnStep(Span<double> column, ReadOnlySpan<float> add, ReadOnlySpan<float> remove, Span<float> output, double share)
    {
        int x = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var scale = new Vector<double>(share);
            for (; x + Vector<float>.Count <= column.Length; x += Vector<float>.Count)
            {
                Vector<double> low = new(column[x..]), high = new(column[(x + Vector<double>.Count)..]);
                if (!add.IsEmpty)
                {
                    Vector.Widen(new Vector<float>(add[x..]), out Vector<double> addLow, out Vector<double> addHigh);
                    low += addLow;
                    high += addHigh;
                }

                if (!remove.IsEmpty)
                {
                    Vector.Widen(new Vector<float>(remove[x..]), out Vector<double> removeLow, out Vector<double> removeHigh);
                    low -= removeLow;
                    high -= removeHigh;
                }

                low.CopyTo(column[x..]);
                high.CopyTo(column[(x + Vector<double>.Count)..]);
                Vector.Narrow(low * scale, high * scale).CopyTo(output[x..]);
            }
        }

        for (; x < column.Length; x++)
        {
            if (!add.IsEmpty)
            {
                column[x] += add[x];
            }

            if (!remove.IsEmpty)
            {
                column[x] -= remove[x];
            }

            output[x] = (float)(column[x] * share);
        }
    }
}
