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

    /// <summary>Two lattice vectors, or null when the mask does not repeat.</summary>
    public static ((int X, int Y) U, (int X, int Y) V)? Find(ReadOnlySpan<byte> mask, int width, int height)
    {
        // A reduced copy (share of each block masked) no larger than about 120 px a side.
        int factor = Math.Max(1, (int)Math.Ceiling(Math.Max(width, height) / 120.0));
        int w = (width + factor - 1) / factor, h = (height + factor - 1) / factor;
        double[] small = new double[w * h];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                if (mask[(y * width) + x] != 0)
                {
                    small[((y / factor) * w) + (x / factor)] += 1.0 / (factor * factor);
                }
            }
        }

        var lit = new List<int>();
        double energy = 0;
        for (int i = 0; i < small.Length; i++)
        {
            if (small[i] > 0)
            {
                lit.Add(i);
                energy += small[i] * small[i];
            }
        }

        if (lit.Count < 16 || energy <= 0)
        {
            return null;
        }

        // Autocorrelation over the upper half-plane of shifts (a shift and its opposite score the same).
        var peaks = new List<(int X, int Y, double Score)>();
        // Shifts up to three quarters of each side: a cell can be wider than half the photo.
        int rx = w * 3 / 4, ry = h * 3 / 4, row = (2 * rx) + 1;
        double[] table = new double[(ry + 1) * row];
        int minShift = 3;
        int[] litArray = [.. lit];
        Parallel.For(0, ry + 1, dy =>
        {
            for (int dx = -rx; dx <= rx; dx++)
            {
                if (dy == 0 && dx <= 0)
                {
                    continue;
                }

                // Normalised by what could overlap at this shift (reach), so long shifts are not penalised for the border.
                double sum = 0, reach = 0;
                foreach (int i in litArray)
                {
                    int x = i % w, y = i / w;
                    if (x + dx >= 0 && x + dx < w && y + dy < h)
                    {
                        sum += small[i] * small[((y + dy) * w) + x + dx];
                    }

                    if (x - dx >= 0 && x - dx < w && y - dy >= 0)
                    {
                        reach += small[i] * small[i];
                    }
                }

                table[(dy * row) + dx + rx] = reach > energy * 0.3 ? sum / reach : 0;
            }
        });

        double Score(int dx, int dy) => dy < 0 ? Score(-dx, -dy) : dy > ry || Math.Abs(dx) > rx ? 0 : table[(dy * row) + dx + rx];

        // A repeat, not a stroke overlapping itself: a local maximum, and on the way from no shift to it the overlap
        // falls to at most half (a thick shape shifted by a little still overlaps itself, and more so the less shifted).
        for (int dy = 0; dy <= ry; dy++)
        {
            for (int dx = -rx; dx <= rx; dx++)
            {
                double score = Score(dx, dy);
                if (score < MinOverlap || (dx * dx) + (dy * dy) < minShift * minShift)
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
        if (peaks.Count == 0 || peaks[0].Score < MinOverlap)
        {
            return null;
        }

        // The shortest of the strongest shifts; then the strongest one well off its line and not much shorter (a
        // shift by a letter or two along a line of text overlaps it well too, but is short and near the line).
        if (peaks.Count == 0 || peaks[0].Score < StrongOverlap)
        {
            return null;
        }

        double top = peaks[0].Score;
        (int X, int Y, double Score) u = peaks.Where(p => p.Score >= Math.Max(StrongOverlap, top - 0.06)).MinBy(p => (p.X * p.X) + (p.Y * p.Y));
        double length = Math.Sqrt((u.X * u.X) + (u.Y * u.Y));
        (int X, int Y, double Score)? v = null;
        foreach ((int X, int Y, double Score) p in peaks)
        {
            double off = Math.Abs((u.X * p.Y) - (u.Y * p.X)) / length;
            if (off >= Math.Max(minShift, length / 3) && Math.Sqrt((p.X * p.X) + (p.Y * p.Y)) >= length / 3)
            {
                v = p;
                break;
            }
        }

        if (v is not { } second)
        {
            return null;
        }

        (int X, int Y)? fu = Refine(mask, width, height, u.X * factor, u.Y * factor, factor);
        (int X, int Y)? fv = Refine(mask, width, height, second.X * factor, second.Y * factor, factor);
        return fu is { } a && fv is { } b ? (a, b) : null;
    }

    /// <summary>The full-size shift within ±radius of a guess that lands most masked pixels back on the mask (scored on a sample).</summary>
    private static (int X, int Y)? Refine(ReadOnlySpan<byte> mask, int width, int height, int gx, int gy, int radius)
    {
        var sample = new List<int>();
        int masked = 0;
        for (int i = 0; i < width * height; i++)
        {
            masked += mask[i] != 0 ? 1 : 0;
        }

        int stride = Math.Max(1, masked / 8000), seen = 0;
        for (int i = 0; i < width * height; i++)
        {
            if (mask[i] != 0 && seen++ % stride == 0)
            {
                sample.Add(i);
            }
        }

        // Coarse to fine: a grid of steps over ±radius, then every shift within a step of the best.
        int step = Math.Max(1, radius / 4);
        (double best, (int X, int Y) bestShift) = Best(sample, mask, width, height, gx, gy, radius, step);
        if (step > 1)
        {
            (best, bestShift) = Best(sample, mask, width, height, bestShift.X, bestShift.Y, step, 1);
        }

        return best >= MinOverlap ? bestShift : null;
    }

    private static (double Score, (int X, int Y) Shift) Best(List<int> sample, ReadOnlySpan<byte> mask, int width, int height, int gx, int gy, int radius, int step)
    {
        double best = -1;
        (int X, int Y) bestShift = (gx, gy);
        for (int dy = gy - radius; dy <= gy + radius; dy += step)
        {
            for (int dx = gx - radius; dx <= gx + radius; dx += step)
            {
                int hit = 0, reach = 0;
                foreach (int i in sample)
                {
                    int x = (i % width) + dx, y = (i / width) + dy;
                    if (x >= 0 && x < width && y >= 0 && y < height)
                    {
                        reach++;
                        hit += mask[(y * width) + x] != 0 ? 1 : 0;
                    }
                }

                double score = reach == 0 ? 0 : hit / (double)reach;
                if (score > best)
                {
                    best = score;
                    bestShift = (dx, dy);
                }
            }
        }

        return (best, bestShift);
    }

    /// <summary>
    /// Each masked pixel's value replaced by the median of the values at all its lattice instances that are in the
    /// photo and masked (itself included), where there are at least <see cref="MinInstances"/>. Returns how many
    /// pixels were shared.
    /// </summary>
    public static int Share(double[] values, ReadOnlySpan<byte> mask, int width, int height, (int X, int Y) u, (int X, int Y) v)
    {
        double[] before = (double[])values.Clone();

        // Every lattice offset that can land inside the photo from somewhere in it.
        var offsets = new List<(int X, int Y)>();
        int shortest = Math.Max(1, (int)Math.Min(Math.Sqrt((u.X * u.X) + (u.Y * u.Y)), Math.Sqrt((v.X * v.X) + (v.Y * v.Y))));
        long det = Math.Abs(((long)u.X * v.Y) - ((long)u.Y * v.X));
        if (det == 0)
        {
            return 0;
        }

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
