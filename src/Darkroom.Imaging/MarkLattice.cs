namespace Darkroom.Imaging;

/// <summary>
/// A mark tiled across a photo repeats on a lattice: every instance is the same coverage map shifted by a·u + b·v.
/// <see cref="Find"/> finds u and v from the mask's own repetition (the autocorrelation of a reduced copy, then
/// refined at full size); <see cref="Share"/> replaces each masked pixel's coverage by the median over all instances
/// of it, so a stroke that one patch of texture hid is taken from the instances where the photo showed it.
/// </summary>
public static class MarkLattice
{
    /// <summary>How much of the mask a shift must land back on the mask to count as a repeat.</summary>
    public const double MinOverlap = 0.6;

    /// <summary>The first lattice vector must be a repeat this strong (the same mark again lands almost wholly on the mask).</summary>
    public const double StrongOverlap = 0.85;

    /// <summary>Fewer instances than this and a median says little.</summary>
    public const int MinInstances = 3;

    /// <summary>A repeat in a high-pass photo must correlate at least this well (the photo's own detail dilutes it).</summary>
    public const double StrongCorrelation = 0.3;

    /// <summary>Two lattice vectors, or null when the mask does not repeat.</summary>
    public static ((int X, int Y) U, (int X, int Y) V)? Find(ReadOnlySpan<byte> mask, int width, int height)
    {
        byte[] full = mask[..(width * height)].ToArray();
        var sample = new List<int>();
        int masked = 0;
        foreach (byte m in full)
        {
            masked += m != 0 ? 1 : 0;
        }

        int stride = Math.Max(1, masked / 8000), seen = 0;
        for (int i = 0; i < full.Length; i++)
        {
            if (full[i] != 0 && seen++ % stride == 0)
            {
                sample.Add(i);
            }
        }

        // Scored at full size as the share of sampled masked pixels that land back on the mask.
        double Overlap(int dx, int dy)
        {
            int hit = 0, reach = 0;
            foreach (int i in sample)
            {
                int x = (i % width) + dx, y = (i / width) + dy;
                if (x >= 0 && x < width && y >= 0 && y < height)
                {
                    reach++;
                    hit += full[(y * width) + x] != 0 ? 1 : 0;
                }
            }

            return reach == 0 ? 0 : hit / (double)reach;
        }

        return Search(i => full[i] != 0 ? 1 : 0, width, height, centre: false, StrongOverlap, MinOverlap, Overlap);
    }

    /// <summary>
    /// Two lattice vectors of a mark tiled over the photo, found from a signed high-pass copy of it (the photo
    /// minus its blur): the mark's strokes repeat there on the lattice while the photo's own detail does not.
    /// </summary>
    public static ((int X, int Y) U, (int X, int Y) V)? FindInImage(double[] detail, int width, int height)
    {
        var strong = new List<int>();
        double[] magnitude = [.. detail.Select(Math.Abs)];
        double cut = Quantile(magnitude, 0.9);
        for (int i = 0; i < detail.Length; i++)
        {
            if (magnitude[i] >= cut && magnitude[i] > 0)
            {
                strong.Add(i);
            }
        }

        int[] sample = [.. strong.Where((_, k) => k % Math.Max(1, strong.Count / 8000) == 0)];

        // Scored at full size as the correlation of the detail at the sampled pixels with the detail one shift away.
        double Correlation(int dx, int dy)
        {
            double ab = 0, aa = 0, bb = 0;
            foreach (int i in sample)
            {
                int x = (i % width) + dx, y = (i / width) + dy;
                if (x >= 0 && x < width && y >= 0 && y < height)
                {
                    double a = detail[i], b = detail[(y * width) + x];
                    ab += a * b;
                    aa += a * a;
                    bb += b * b;
                }
            }

            return aa <= 0 || bb <= 0 ? 0 : ab / Math.Sqrt(aa * bb);
        }

        return Search(i => magnitude[i], width, height, centre: true, StrongCorrelation, StrongCorrelation * 0.7, Correlation);
    }

    /// <summary>
    /// The lattice of a non-negative map: its autocorrelation on a copy reduced to about 240 px a side (through the
    /// Fourier transform), normalised by what can overlap at each shift; peaks that are local maxima with a valley
    /// on the way from no shift (a thick shape shifted a little still overlaps itself); the shortest of the
    /// strongest, then the strongest well off its line and not much shorter (a shift by a letter or two along a line
    /// of text overlaps it well too, but is short and near the line); each refined at full size, coarse to fine.
    /// </summary>
    private static ((int X, int Y) U, (int X, int Y) V)? Search(
        Func<int, double> map, int width, int height, bool centre, double strongest, double weakest, Func<int, int, double> fullScore)
    {
        int factor = Math.Max(1, (int)Math.Ceiling(Math.Max(width, height) / 240.0));
        int w = (width + factor - 1) / factor, h = (height + factor - 1) / factor;
        double[] small = new double[w * h];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                small[((y / factor) * w) + (x / factor)] += map((y * width) + x) / (factor * factor);
            }
        }

        if (centre)
        {
            double mean = small.Average();
            for (int i = 0; i < small.Length; i++)
            {
                small[i] -= mean;
            }
        }

        // Shifts up to three quarters of each side: a cell can be wider than half the photo.
        int rx = w * 3 / 4, ry = h * 3 / 4, row = (2 * rx) + 1;
        double[] table = Fourier.Autocorrelate(small, w, h, rx, ry);

        // Normalised by the energy of the pixels that have a partner at that shift (prefix sums of the squares).
        double[] prefix = new double[(w + 1) * (h + 1)];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                prefix[((y + 1) * (w + 1)) + x + 1] = (small[(y * w) + x] * small[(y * w) + x]) + prefix[(y * (w + 1)) + x + 1] + prefix[((y + 1) * (w + 1)) + x] - prefix[(y * (w + 1)) + x];
            }
        }

        double energy = prefix[^1];
        if (energy <= 0)
        {
            return null;
        }

        for (int dy = 0; dy <= ry; dy++)
        {
            for (int dx = -rx; dx <= rx; dx++)
            {
                int x0 = Math.Max(0, dx), x1 = Math.Min(w, w + dx), y0 = dy, y1 = h;
                double reach = x1 <= x0 || y1 <= y0 ? 0
                    : prefix[(y1 * (w + 1)) + x1] - prefix[(y0 * (w + 1)) + x1] - prefix[(y1 * (w + 1)) + x0] + prefix[(y0 * (w + 1)) + x0];
                int index = (dy * row) + dx + rx;
                table[index] = (dy == 0 && dx <= 0) || reach <= energy * 0.3 ? 0 : table[index] / reach;
            }
        }

        double Score(int dx, int dy) => dy < 0 ? Score(-dx, -dy) : dy > ry || Math.Abs(dx) > rx ? 0 : table[(dy * row) + dx + rx];

        const int MinShift = 3;
        var peaks = new List<(int X, int Y, double Score)>();
        for (int dy = 0; dy <= ry; dy++)
        {
            for (int dx = -rx; dx <= rx; dx++)
            {
                double score = Score(dx, dy);
                if (score < weakest || (dx * dx) + (dy * dy) < MinShift * MinShift || (dy == 0 && dx <= 0))
                {
                    continue;
                }

                bool peak = true;
                for (int ny = -1; ny <= 1 && peak; ny++)
                {
                    for (int nx = -1; nx <= 1; nx++)
                    {
                        if ((nx != 0 || ny != 0) && Score(dx + nx, dy + ny) > score)
                        {
                            peak = false;
                            break;
                        }
                    }
                }

                double valley = double.MaxValue;
                for (int step = 1; step < 10; step++)
                {
                    int vx = (int)Math.Round(dx * step / 10.0), vy = (int)Math.Round(dy * step / 10.0);
                    if (vx != 0 || vy != 0)
                    {
                        valley = Math.Min(valley, Score(vx, vy));
                    }
                }

                if (peak && valley <= score / 2)
                {
                    peaks.Add((dx, dy, score));
                }
            }
        }

        peaks.Sort((a, b) => b.Score.CompareTo(a.Score));
        if (peaks.Count == 0 || peaks[0].Score < strongest)
        {
            return null;
        }

        double top = peaks[0].Score;
        (int X, int Y, double Score) u = peaks.Where(p => p.Score >= Math.Max(strongest, top - 0.06)).MinBy(p => (p.X * p.X) + (p.Y * p.Y));
        double length = Math.Sqrt((u.X * u.X) + (u.Y * u.Y));
        (int X, int Y, double Score)? v = null;
        foreach ((int X, int Y, double Score) p in peaks)
        {
            double off = Math.Abs((u.X * p.Y) - (u.Y * p.X)) / length;
            if (off >= Math.Max(MinShift, length / 3) && Math.Sqrt((p.X * p.X) + (p.Y * p.Y)) >= length / 3)
            {
                v = p;
                break;
            }
        }

        if (v is not { } second)
        {
            return null;
        }

        (int X, int Y)? fu = Refine(fullScore, u.X * factor, u.Y * factor, factor, weakest);
        (int X, int Y)? fv = Refine(fullScore, second.X * factor, second.Y * factor, factor, weakest);
        return fu is { } a && fv is { } b ? (a, b) : null;
    }

    /// <summary>The full-size shift within ±radius of a guess that scores best: a grid of steps, then every shift within a step of the best.</summary>
    private static (int X, int Y)? Refine(Func<int, int, double> score, int gx, int gy, int radius, double least)
    {
        int step = Math.Max(1, radius / 4);
        (double best, (int X, int Y) shift) = Best(score, gx, gy, radius, step);
        if (step > 1)
        {
            (best, shift) = Best(score, shift.X, shift.Y, step, 1);
        }

        return best >= least ? shift : null;
    }

    private static (double Score, (int X, int Y) Shift) Best(Func<int, int, double> score, int gx, int gy, int radius, int step)
    {
        double best = double.MinValue;
        (int X, int Y) bestShift = (gx, gy);
        for (int dy = gy - radius; dy <= gy + radius; dy += step)
        {
            for (int dx = gx - radius; dx <= gx + radius; dx += step)
            {
                double value = score(dx, dy);
                if (value > best)
                {
                    best = value;
                    bestShift = (dx, dy);
                }
            }
        }

        return (best, bestShift);
    }

    /// <summary>The q-quantile; of an evenly spaced sample of a million values when there are more (12 MP: 1.4 s of sorting otherwise).</summary>
    private static double Quantile(double[] values, double q)
    {
        int stride = Math.Max(1, values.Length / 1_000_000);
        double[] sorted = stride == 1 ? [.. values] : [.. values.Where((_, i) => i % stride == 0)];
        Array.Sort(sorted);
        return sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)(q * (sorted.Length - 1)), 0, sorted.Length - 1)];
    }

    /// <summary>Every lattice offset a·u + b·v that can land inside the photo from somewhere in it.</summary>
    public static List<(int X, int Y)> Offsets(int width, int height, (int X, int Y) u, (int X, int Y) v)
    {
        var offsets = new List<(int X, int Y)>();
        long det = Math.Abs(((long)u.X * v.Y) - ((long)u.Y * v.X));
        if (det == 0)
        {
            return offsets;
        }

        int shortest = Math.Max(1, (int)Math.Min(Math.Sqrt((u.X * u.X) + (u.Y * u.Y)), Math.Sqrt((v.X * v.X) + (v.Y * v.Y))));
        int reach = (int)Math.Min(200, ((long)Math.Max(width, height) * Math.Max(width, height) / det) + (Math.Max(width, height) / shortest) + 2);
        for (int a = -reach; a <= reach; a++)
        {
            for (int b = -reach; b <= reach; b++)
            {
                long x = ((long)a * u.X) + ((long)b * v.X), y = ((long)a * u.Y) + ((long)b * v.Y);
                if (Math.Abs(x) < width && Math.Abs(y) < height)
                {
                    offsets.Add(((int)x, (int)y));
                }
            }
        }

        return offsets;
    }

    /// <summary>
    /// Clears the pixels set in <paramref name="mask"/> but not in <paramref name="original"/> that are set at fewer than
    /// half of their lattice instances inside the photo (themselves included; at least <see cref="MinInstances"/>
    /// instances, or two with both set — strokes the edge leaves at two instances, as <see cref="RepeatedMark"/> keeps
    /// them — else cleared): an addition to a tiled mark must repeat with it. (Counting an instance where the
    /// completion's test passed but growth did not reach raised no recall and let more of the photo in.)
    /// </summary>
    public static void KeepRepeated(byte[] mask, byte[] original, int width, int height, (int X, int Y) u, (int X, int Y) v)
    {
        List<(int X, int Y)> offsets = Offsets(width, height, u, v);
        byte[] grown = (byte[])mask.Clone();
        for (int i = 0; i < mask.Length; i++)
        {
            if (grown[i] == 0 || original[i] != 0)
            {
                continue;
            }

            int x0 = i % width, y0 = i / width, looked = 0, set = 0;
            foreach ((int dx, int dy) in offsets)
            {
                int x = x0 + dx, y = y0 + dy;
                if (x >= 0 && x < width && y >= 0 && y < height)
                {
                    looked++;
                    set += grown[(y * width) + x] != 0 ? 1 : 0;
                }
            }

            bool repeats = looked == 2 ? set == 2 : looked >= MinInstances && set * 2 >= looked;
            if (!repeats)
            {
                mask[i] = 0;
            }
        }
    }

    /// <summary>
    /// The median of a map over each pixel's lattice instances in the photo (itself included): the common part of
    /// every instance, where what differs from one instance to the next (the photo) drops out. Each orbit is
    /// gathered once and its median written to all its members.
    /// </summary>
    public static double[] Common(double[] values, int width, int height, (int X, int Y) u, (int X, int Y) v)
    {
        List<(int X, int Y)> offsets = Offsets(width, height, u, v);
        double[] common = new double[values.Length];
        bool[] done = new bool[values.Length];
        var members = new List<int>();
        var samples = new List<double>();
        for (int i = 0; i < values.Length; i++)
        {
            if (done[i])
            {
                continue;
            }

            members.Clear();
            samples.Clear();
            int x0 = i % width, y0 = i / width;
            foreach ((int dx, int dy) in offsets)
            {
                int x = x0 + dx, y = y0 + dy;
                if (x >= 0 && x < width && y >= 0 && y < height)
                {
                    int j = (y * width) + x;
                    members.Add(j);
                    samples.Add(values[j]);
                }
            }

            samples.Sort();
            int n = samples.Count;
            double median = n == 0 ? values[i] : n % 2 == 1 ? samples[n / 2] : (samples[(n / 2) - 1] + samples[n / 2]) / 2;
            common[i] = median;
            done[i] = true;
            foreach (int j in members)
            {
                common[j] = median;
                done[j] = true;
            }
        }

        return common;
    }

    /// <summary>
    /// Each masked pixel's value replaced by the median of the values at all its lattice instances that are in the
    /// photo and masked (itself included), where there are at least <see cref="MinInstances"/>. Returns how many
    /// pixels were shared.
    /// </summary>
    public static int Share(double[] values, ReadOnlySpan<byte> mask, int width, int height, (int X, int Y) u, (int X, int Y) v)
    {
        double[] before = (double[])values.Clone();
        List<(int X, int Y)> offsets = Offsets(width, height, u, v);

        var samples = new List<double>();
        int shared = 0;
        for (int i = 0; i < width * height; i++)
        {
            if (mask[i] == 0)
            {
                continue;
            }

            samples.Clear();
            int x0 = i % width, y0 = i / width;
            foreach ((int dx, int dy) in offsets)
            {
                int x = x0 + dx, y = y0 + dy;
                if (x >= 0 && x < width && y >= 0 && y < height && mask[(y * width) + x] != 0)
                {
                    samples.Add(before[(y * width) + x]);
                }
            }

            if (samples.Count >= MinInstances)
            {
                samples.Sort();
                int n = samples.Count;
                values[i] = n % 2 == 1 ? samples[n / 2] : (samples[(n / 2) - 1] + samples[n / 2]) / 2;
                shared++;
            }
        }

        return shared;
    }
}
