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
    public static float[] Apply(float[][] guide, float[] input, int width, int height, int radius, float epsilon, int subsample, Scratch? scratch = null)
    {
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
        float[] output = Scratch.Plane<float>(scratch, width * height);
        float[] fr = guide[0], fg = guide[1], fb = guide[2];
        for (int y = 0; y < height; y++)
        {
            // Bilinear, with the low-resolution samples at the centres of their blocks.
            float sy = Math.Clamp(((y + 0.5f) / subsample) - 0.5f, 0, sh - 1);
            int y0 = (int)sy, y1 = Math.Min(sh - 1, y0 + 1);
            float wy = sy - y0;
            for (int x = 0; x < width; x++)
            {
                float sx = Math.Clamp(((x + 0.5f) / subsample) - 0.5f, 0, sw - 1);
                int x0 = (int)sx, x1 = Math.Min(sw - 1, x0 + 1);
                float wx = sx - x0;
                int i00 = (y0 * sw) + x0, i01 = (y0 * sw) + x1, i10 = (y1 * sw) + x0, i11 = (y1 * sw) + x1;
                float w00 = (1 - wx) * (1 - wy), w01 = wx * (1 - wy), w10 = (1 - wx) * wy, w11 = wx * wy;
                float ar = (rr[i00] * w00) + (rr[i01] * w01) + (rr[i10] * w10) + (rr[i11] * w11);
                float ag = (gg[i00] * w00) + (gg[i01] * w01) + (gg[i10] * w10) + (gg[i11] * w11);
                float ab = (bb[i00] * w00) + (bb[i01] * w01) + (bb[i10] * w10) + (bb[i11] * w11);
                float bias = (mp[i00] * w00) + (mp[i01] * w01) + (mp[i10] * w10) + (mp[i11] * w11);
                int i = (y * width) + x;
                output[i] = (ar * fr[i]) + (ag * fg[i]) + (ab * fb[i]) + bias;
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
        int[] count = Scratch.Plane<int>(scratch, sw * sh, clear: true);
        for (int y = 0; y < height; y++)
        {
            int row = (y / factor) * sw;
            for (int x = 0; x < width; x++)
            {
                sum[row + (x / factor)] += plane[(y * width) + x];
                count[row + (x / factor)]++;
            }
        }

        for (int i = 0; i < sum.Length; i++)
        {
            sum[i] /= count[i];
        }

        return sum;
    }

    /// <summary>The mean over the (2r + 1)² window clipped to the plane, in place; <paramref name="scratch"/> is the same size.</summary>
    /// <param name="sums">Column sums, <paramref name="width"/> long (any contents), or null for a new array.</param>
    public static void BoxMean(float[] plane, float[] scratch, int width, int height, int radius, double[]? sums = null)
    {
        for (int y = 0; y < height; y++)
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

                scratch[row + x] = (float)(sum / (Math.Min(width - 1, enter) - Math.Max(0, x - radius) + 1));
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
            int count = Math.Min(height - 1, enter) - Math.Max(0, y - radius) + 1;
            for (int x = 0; x < width; x++)
            {
                if (enter < height)
                {
                    sums[x] += scratch[(enter * width) + x];
                }

                if (leave >= 0)
                {
                    sums[x] -= scratch[(leave * width) + x];
                }

                plane[(y * width) + x] = (float)(sums[x] / count);
            }
        }
    }
}
