using NetVips;

namespace Darkroom.Imaging;

/// <summary>
/// Finds semi-transparent marks (logos, symbols, text) by the arithmetic of alpha blending, with no text recognition.
/// Over a mark of colour c and opacity α, every channel moves from the photo B towards c by the same fraction:
/// (J − B) / (c − B) = α in R, G and B alike. With B estimated by a median wider than a stroke, a light mark shows as
/// pixels whose three channels agree on one fraction towards white (a dark mark: towards black); the photo's own
/// detail rarely moves all three channels by the same fraction. A mark also has one opacity throughout: its fully
/// covered pixels make a peak in the histogram of fractions (in [<see cref="MinAlpha"/>, <see cref="MaxAlpha"/>];
/// near-opaque white things are content, not recoverable marks), and the pieces at that peak are the mark.
/// </summary>
public static class BlendMarks
{
    /// <summary>The side the search runs at (the mask is then refined at full size).</summary>
    public const int WorkingSide = 384;

    public const double MinAlpha = 0.2;

    public const double MaxAlpha = 0.75;

    /// <summary>How far apart the channels' fractions may be for a pixel to count as blended.</summary>
    public const double MaxSpread = 0.12;

    /// <summary>A channel this close to the mark's colour in the background says nothing about the fraction.</summary>
    public const double MinHeadroom = 40;

    /// <summary>
    /// The found mark's pixels, the photo's size (255 = mark), its opacity and polarity (+1 light, −1 dark); and
    /// <paramref name="Consistent"/>: every pixel of the photo whose channels moved towards the mark's colour by about
    /// its opacity (to check another mask's pixels against: a stroke the text detector drew where nothing was blended
    /// in is not the mark).
    /// </summary>
    public sealed record Found(byte[] Mask, double Alpha, int Polarity, int Pieces, byte[]? Consistent = null);

    public static Found? Find(Image photo)
    {
        int width = photo.Width, height = photo.Height;
        using Image rgb = Rgb(photo);
        using Image small = Shrunk(rgb, WorkingSide);
        int sw = small.Width, sh = small.Height;
        using Image background = small.Median(MedianWindow(sw, sh));
        byte[] j = small.WriteToMemory<byte>(), b = background.WriteToMemory<byte>();

        Found? best = null;
        foreach (int polarity in (ReadOnlySpan<int>)[1, -1])
        {
            double[] alpha = Fractions(j, b, sw * sh, polarity);
            if (Select(alpha, sw, sh) is not { } chosen)
            {
                continue;
            }

            if (best is null || chosen.Kept.Count(k => k) > best.Mask.Count(v => v != 0))
            {
                byte[] keptSmall = [.. chosen.Kept.Select(k => k ? (byte)255 : (byte)0)];
                best = new Found(keptSmall, chosen.Alpha, polarity, chosen.Pieces);
            }
        }

        if (best is null)
        {
            return null;
        }

        (byte[] mask, byte[] consistent) = Refine(rgb, background, best, sw, sh);
        return best with { Mask = mask, Consistent = consistent };
    }

    /// <summary>
    /// Grows a text line's strokes sideways along its own rows: a mark's words continue beyond where the text detector's
    /// box stopped (on busy ground it often stops mid-line). The strokes already found give the mark's opacity and
    /// polarity against the ground beside them; then, one line-height step at a time left and right of each box and
    /// within the rows its strokes hold, the pixels whose three channels moved by about that opacity are added while
    /// each step finds some (a step with almost none ends the line).
    /// </summary>
    /// <param name="lines">The boxes (left, top, width, height) whose strokes are in <paramref name="mask"/>.</param>
    public static void ExtendLines(Image photo, byte[] mask, IReadOnlyList<(int Left, int Top, int Width, int Height)> lines)
    {
        if (lines.Count == 0)
        {
            return;
        }

        int width = photo.Width, height = photo.Height;
        using Image rgb = Rgb(photo);
        byte[] j = rgb.WriteToMemory<byte>();

        // The mark's polarity, opacity and ground from the strokes found: the ground beside the strokes, as Complete
        // sees it. (Against a wide median, the first letters of a line over an object between white parts — the
        // astronaut's "© SA" over the suit beside the glove — read darker than their ground and ended the line.)
        (int polarity, double alpha, byte[]? b) = (0, 0, null);
        if (mask.AsSpan().ContainsAnyExcept((byte)0))
        {
            (byte[] shrunk, int cw, int ch, double cscale) = AtCompletionSize(rgb, j);
            if (LocalGround(shrunk, cw, ch, cscale, width, height, j, mask, HalfWidth(mask, width, height), null) is { } local)
            {
                (b, alpha, polarity) = (local.Ground, local.Alpha, local.Polarity);
            }
        }

        // Failing that, a wide median's: the median fraction of the better-agreeing polarity.
        if (b is null)
        {
            using Image small = Shrunk(rgb, WorkingSide);
            using Image bgSmall = small.Median(MedianWindow(small.Width, small.Height));
            using Image bg = Regions.ToExactSize(bgSmall, width, height, Enums.Kernel.Linear);
            b = bg.WriteToMemory<byte>();
            foreach (int sign in (ReadOnlySpan<int>)[1, -1])
            {
                var values = new List<double>();
                for (int i = 0; i < mask.Length; i++)
                {
                    if (mask[i] != 0 && Fraction(j, b, i, sign) is double f and >= MinAlpha and <= MaxAlpha)
                    {
                        values.Add(f);
                    }
                }

                if (values.Count > mask.Count(m => m != 0) / 3 && values.Count > 20)
                {
                    values.Sort();
                    (polarity, alpha) = (sign, values[values.Count / 2]);
                    break;
                }
            }
        }

        if (polarity == 0)
        {
            return;
        }

        foreach ((int left, int top, int w, int h) in lines)
        {
            // Only the rows the line's strokes hold (the detector's box is taller than the letters, and below them the
            // opening's ground let the line spill into a glove).
            (int y0, int y1) = StrokeRows(mask, width, left, w, Math.Max(0, top), Math.Min(height, top + h));
            int step = Math.Max(4, h);
            foreach (int direction in (ReadOnlySpan<int>)[-1, 1])
            {
                int x = direction < 0 ? left : left + w;
                for (int steps = 0; steps < 40; steps++)
                {
                    int a = direction < 0 ? Math.Max(0, x - step) : Math.Min(width, x), z = direction < 0 ? x : Math.Min(width, x + step);
                    if (z - a < 2)
                    {
                        break;
                    }

                    var found = new List<int>();
                    for (int y = y0; y < y1; y++)
                    {
                        for (int xx = a; xx < z; xx++)
                        {
                            int i = (y * width) + xx;
                            if (Grows(j, b, i, polarity, alpha))
                            {
                                found.Add(i);
                            }
                        }
                    }

                    // A step with almost nothing ends the line (letting it cross a gap let it wander into the cat's fur).
                    if (found.Count < (z - a) * (y1 - y0) * 0.04)
                    {
                        break;
                    }

                    foreach (int i in found)
                    {
                        mask[i] = 255;
                    }

                    x = direction < 0 ? a : z;
                }
            }
        }
    }

    /// <summary>The photo at most <see cref="CompletionSide"/> a side (its own bytes when already that small), with the scale.</summary>
    private static (byte[] Small, int Width, int Height, double Scale) AtCompletionSize(Image rgb, byte[] j)
    {
        if (Math.Max(rgb.Width, rgb.Height) <= CompletionSide)
        {
            return (j, rgb.Width, rgb.Height, 1);
        }

        using Image shrunk = Shrunk(rgb, CompletionSide);
        return (shrunk.WriteToMemory<byte>(), shrunk.Width, shrunk.Height, (double)CompletionSide / Math.Max(rgb.Width, rgb.Height));
    }

    /// <summary>The photo shrunk to at most <paramref name="side"/> pixels a side (each side at least 16).</summary>
    private static Image Shrunk(Image rgb, int side)
    {
        double scale = Math.Min(1.0, (double)side / Math.Max(rgb.Width, rgb.Height));
        int sw = Math.Max(16, (int)Math.Round(rgb.Width * scale)), sh = Math.Max(16, (int)Math.Round(rgb.Height * scale));
        return rgb.ThumbnailImage(sw, height: sh, size: Enums.Size.Force);
    }

    /// <summary>The wide median's window at the working size: an eighth of the shorter side, odd, at least 9.</summary>
    private static int MedianWindow(int smallWidth, int smallHeight) => Math.Max(9, (Math.Min(smallWidth, smallHeight) / 8) | 1);

    /// <summary>The rows of [<paramref name="y0"/>, <paramref name="y1"/>) where a line's strokes are (at least a tenth of its fullest row), with a pixel of margin inside them.</summary>
    private static (int Y0, int Y1) StrokeRows(byte[] mask, int width, int left, int w, int y0, int y1)
    {
        int[] rows = new int[Math.Max(0, y1 - y0)];
        for (int y = y0; y < y1; y++)
        {
            for (int x = Math.Max(0, left); x < Math.Min(width, left + w); x++)
            {
                rows[y - y0] += mask[(y * width) + x] != 0 ? 1 : 0;
            }
        }

        int most = rows.Length == 0 ? 0 : rows.Max();
        if (most == 0)
        {
            return (y0, y1);
        }

        int first = Array.FindIndex(rows, r => r * 10 >= most), last = Array.FindLastIndex(rows, r => r * 10 >= most);
        return (Math.Max(y0, y0 + first - 1), Math.Min(y1, y0 + last + 2));
    }

    /// <summary>
    /// Checks a found mark against the photo beside it and completes it along its own strokes. A detector, a blend
    /// test against a wide median, or a repetition finds a mark where the ground under it is plain, stops where the
    /// strokes cross an object (a ring across a face and a suit, the first letters of a line over a glove) and
    /// sometimes runs on over plain ground that merely looks like it. Beside a stroke the photo itself is seen, so the
    /// ground under a light stroke is the photo with every bright structure thinner than the strokes taken out (a grey
    /// opening per channel, wider than the mask's strokes; a closing for a dark mark). Against that local ground the
    /// mark's opacity is read from the mask's own pixels; the mask keeps only the pixels (and their soft edges) whose
    /// three channels moved towards the mark's colour by about that opacity, then grows through connected pixels that
    /// did, except inside anything thicker than the strokes, and across gaps narrower than a stroke to pieces of a
    /// letter's size (the next letter of a word). Nothing changes when the mask's pixels do not agree on
    /// one opacity, or when the result would cover more than <paramref name="maxCover"/>.
    /// </summary>
    /// <param name="polarity">The mark's polarity when the finder already knows it (+1 light, −1 dark): only that
    /// side's ground is made (at 12 MP each took about 0.2 s).</param>
    /// <returns>True when the mask was changed (in place).</returns>
    public static bool Complete(Image photo, byte[] mask, double maxCover, int? polarity = null)
    {
        int width = photo.Width, height = photo.Height;
        if (mask.Length != width * height || !mask.AsSpan().ContainsAnyExcept((byte)0))
        {
            return false;
        }

        using Image rgb = Rgb(photo);
        byte[] j = rgb.WriteToMemory<byte>();
        (byte[] small, int sw, int sh, double scale) = AtCompletionSize(rgb, j);

        // Twice: the first ground's window comes from the mask as found (a spill onto plain ground makes it look
        // thicker than its strokes), the second, when the window changes, from the strokes the first kept.
        byte[] kept = mask;
        (byte[] Ground, double Alpha, int Polarity, double Half)? local = null;
        for (int pass = 0; pass < 2; pass++)
        {
            double half = HalfWidth(kept, width, height);
            if (local is { } previous && Window(half, scale) == Window(previous.Half, scale))
            {
                break;
            }

            if (LocalGround(small, sw, sh, scale, width, height, j, kept, half, local?.Polarity ?? polarity) is not { } found)
            {
                return false;
            }

            local = (found.Ground, found.Alpha, found.Polarity, half);
            kept = Consistent(mask, j, found.Ground, found.Alpha, found.Polarity, width, height);
        }

        (byte[] ground, double alpha, int sign, double strokeHalf) = local!.Value;

        // Where the mark is followed: pixels blended by about its opacity, except inside anything thicker than its
        // strokes (a wide bright patch whose local ground the opening got wrong is not a stroke).
        byte[] candidate = new byte[mask.Length];
        Parallel.For(0, height, y =>
        {
            for (int i = y * width; i < (y + 1) * width; i++)
            {
                candidate[i] = kept[i] != 0 || Grows(j, ground, i, sign, alpha) ? (byte)255 : (byte)0;
            }
        });

        int[] depth = MaskOps.Depth(candidate, width, height);
        int thick = (int)Math.Ceiling(3 * ((ThickFactor * strokeHalf) + 1));
        byte[] cores = new byte[mask.Length];
        for (int i = 0; i < cores.Length; i++)
        {
            cores[i] = depth[i] > thick && kept[i] == 0 ? (byte)255 : (byte)0;
        }

        MaskOps.Dilate(cores, width, height, thick / 3);
        for (int i = 0; i < candidate.Length; i++)
        {
            if (cores[i] != 0 && kept[i] == 0)
            {
                candidate[i] = 0;
            }
        }

        byte[] grown = Follow(kept, candidate, width, height, (int)Math.Ceiling((2 * strokeHalf) + 1), Math.Max(12, (int)(4 * strokeHalf * strokeHalf)));
        Bridge(grown, j, (small, sw, sh, scale), alpha, sign, strokeHalf, width, height);
        int total = grown.Count(g => g != 0);
        if (total > maxCover * mask.Length)
        {
            return false;
        }

        bool changed = !grown.AsSpan().SequenceEqual(mask);
        grown.CopyTo(mask, 0);
        return changed;
    }

    /// <summary>
    /// Closes the mask's gaps that its own strokes' ground could not see (in place). Where a stroke crosses a boundary
    /// between very different colours (the astronaut's ring over the orange suit and its white straps, the coffee's ring
    /// across the cup's rim) the opening's minimum reaches the darker side and the channels disagree on the fraction, so
    /// the stroke is broken there, or kept only on its inner half. The pixels a closing of the mask (a disc of
    /// <see cref="BridgeReach"/> stroke half-widths) would add are the gaps and notches; for them the ground is filled in
    /// from just outside the closed mask (Telea), which follows the photo across the stroke, and those whose three
    /// channels moved by about the mark's opacity against it are added — with those too close to the mark's own
    /// colour to measure (white under a white mark: the mark changed them by under 40 × (1 − α) levels, and recovering
    /// them changes them by no more).
    /// </summary>
    /// <param name="atSize">The photo at the completion size (<see cref="AtCompletionSize"/>): on a larger photo the ground
    /// is filled in there and scaled up (at 12 MP a fill at full size took 1.8 s of the mask's time).</param>
    private static void Bridge(byte[] mask, byte[] j, (byte[] Pixels, int Width, int Height, double Scale) atSize, double alpha, int sign, double strokeHalf, int width, int height)
    {
        int radius = (int)Math.Ceiling(BridgeReach * strokeHalf);
        if (radius < 1)
        {
            return;
        }

        byte[] closed = (byte[])mask.Clone();
        MaskOps.Dilate(closed, width, height, radius);
        int[] depth = MaskOps.Depth(closed, width, height);
        byte[] gaps = new byte[mask.Length], region = new byte[mask.Length];
        bool any = false;
        for (int i = 0; i < mask.Length; i++)
        {
            bool inClosing = depth[i] > radius * 3;
            gaps[i] = inClosing && mask[i] == 0 ? (byte)255 : (byte)0;
            region[i] = inClosing || mask[i] != 0 ? (byte)255 : (byte)0;
            any |= gaps[i] != 0;
        }

        if (!any)
        {
            return;
        }

        byte[] ground = GroundUnder(region, gaps, j, atSize, width, height);
        double bright = MinHeadroom * (1 - alpha);
        Parallel.For(0, height, y =>
        {
            for (int i = y * width; i < (y + 1) * width; i++)
            {
                if (gaps[i] != 0 && (Grows(j, ground, i, sign, alpha) || NearMarkColour(j, i, sign, bright)))
                {
                    mask[i] = 255;
                }
            }
        });
    }

    /// <summary>
    /// The photo with <paramref name="region"/> (grown by a pixel) filled in from around it (Telea), at the photo's size;
    /// on a photo larger than the completion size filled in there and read back bilinearly, only at the
    /// <paramref name="wanted"/> pixels (the rest of the returned plane is zero).
    /// </summary>
    private static byte[] GroundUnder(byte[] region, byte[] wanted, byte[] j, (byte[] Pixels, int Width, int Height, double Scale) atSize, int width, int height)
    {
        (byte[] small, int sw, int sh, double scale) = atSize;
        if (scale >= 1)
        {
            MaskOps.Dilate(region, width, height, 1);
            byte[] full = (byte[])j.Clone();
            TeleaInpainter.Inpaint(full, region, width, height, 3, radius: 5);
            return full;
        }

        byte[] shrunk = new byte[sw * sh];
        for (int y = 0; y < height; y++)
        {
            int row = Math.Min(sh - 1, (int)(y * scale)) * sw;
            for (int x = 0; x < width; x++)
            {
                if (region[(y * width) + x] != 0)
                {
                    shrunk[row + Math.Min(sw - 1, (int)(x * scale))] = 255;
                }
            }
        }

        MaskOps.Dilate(shrunk, sw, sh, 1);
        byte[] filled = (byte[])small.Clone();
        TeleaInpainter.Inpaint(filled, shrunk, sw, sh, 3, radius: 5);
        byte[] ground = new byte[j.Length];
        Parallel.For(0, height, y =>
        {
            double sy = Math.Clamp(((y + 0.5) * scale) - 0.5, 0, sh - 1);
            int y0 = (int)sy, y1 = Math.Min(sh - 1, y0 + 1);
            double fy = sy - y0;
            for (int x = 0; x < width; x++)
            {
                int i = (y * width) + x;
                if (wanted[i] == 0)
                {
                    continue;
                }

                double sx = Math.Clamp(((x + 0.5) * scale) - 0.5, 0, sw - 1);
                int x0 = (int)sx, x1 = Math.Min(sw - 1, x0 + 1);
                double fx = sx - x0;
                for (int c = 0; c < 3; c++)
                {
                    double top = (filled[(((y0 * sw) + x0) * 3) + c] * (1 - fx)) + (filled[(((y0 * sw) + x1) * 3) + c] * fx);
                    double bottom = (filled[(((y1 * sw) + x0) * 3) + c] * (1 - fx)) + (filled[(((y1 * sw) + x1) * 3) + c] * fx);
                    ground[(i * 3) + c] = (byte)Math.Round((top * (1 - fy)) + (bottom * fy));
                }
            }
        });

        return ground;
    }

    /// <summary>
    /// Whether pixel <paramref name="i"/> was blended by about a mark of opacity <paramref name="alpha"/> against
    /// <paramref name="ground"/>: its channels agree on a fraction in [<see cref="GrowFloor"/> α, α + 0.15] (the test a
    /// mark is followed by: a line's extension, the completion's growth and its bridges).
    /// </summary>
    private static bool Grows(byte[] j, byte[] ground, int i, int polarity, double alpha) =>
        Fraction(j, ground, i, polarity) is double f && f >= alpha * GrowFloor && f <= alpha + 0.15;

    /// <summary>True when every channel of pixel <paramref name="i"/> is within <paramref name="within"/> levels of white (+1) or black (−1).</summary>
    private static bool NearMarkColour(byte[] j, int i, int polarity, double within)
    {
        for (int c = 0; c < 3; c++)
        {
            double v = j[(i * 3) + c];
            if ((polarity > 0 ? 255 - v : v) > within)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The closing's radius in <see cref="Bridge"/>, in stroke half-widths.</summary>
    private const double BridgeReach = 2.0;

    /// <summary>
    /// The ground under the mask seen from beside its strokes (an opening per channel for a light mark, a closing for a
    /// dark one, with a window wider than strokes of <paramref name="half"/>), at the photo's size, with the mark's
    /// polarity and its opacity (the median fraction over the mask's pixels whose channels agree) — or null when too
    /// few of the mask's pixels agree with either polarity (or with <paramref name="only"/>, when given).
    /// </summary>
    private static (byte[] Ground, double Alpha, int Polarity)? LocalGround(byte[] small, int smallWidth, int smallHeight, double scale, int width, int height, byte[] j, byte[] mask, double half, int? only)
    {
        int window = Window(half, scale);
        int marked = mask.Count(m => m != 0), bestVotes = 0;
        (byte[] Ground, double Alpha, int Polarity)? best = null;
        foreach (int polarity in only is { } one ? [one] : (ReadOnlySpan<int>)[1, -1])
        {
            byte[] b = MorphFilter.Open(small, smallWidth, smallHeight, 3, window, light: polarity > 0);
            if (scale < 1)
            {
                using Image opened = PixelImage.Wrap(b, smallWidth, smallHeight, 3, Enums.Interpretation.Srgb);
                using Image ground = Regions.ToExactSize(opened, width, height, Enums.Kernel.Linear);
                b = ground.WriteToMemory<byte>();
            }

            // The median fraction, from a histogram of 1/400ths.
            int[] histogram = new int[401];
            int votes = 0;
            for (int i = 0; i < mask.Length; i++)
            {
                if (mask[i] != 0 && Fraction(j, b, i, polarity) is double f and >= MinAlpha and <= MaxAlpha)
                {
                    histogram[(int)Math.Round(f * 400)]++;
                    votes++;
                }
            }

            if (votes > marked / 3 && votes > 20 && votes > bestVotes)
            {
                int bin = 0;
                for (int seen = histogram[0]; seen * 2 < votes; seen += histogram[++bin])
                {
                }

                (best, bestVotes) = ((b, bin / 400.0, polarity), votes);
            }
        }

        return best;
    }

    /// <summary>
    /// The mask grown by the candidate pieces that touch it, then, round by round, by the pieces of at least
    /// <paramref name="minJump"/> pixels within <paramref name="reach"/> of it (the next letter across the gap between
    /// letters; a speck of texture is too small to jump to).
    /// </summary>
    private static byte[] Follow(byte[] seeds, byte[] candidate, int width, int height, int reach, int minJump)
    {
        Span<int> around = stackalloc int[8];
        int[] labels = new int[candidate.Length];
        var sizes = new List<int> { 0 };
        var stack = new Stack<int>();
        for (int start = 0; start < candidate.Length; start++)
        {
            if (candidate[start] == 0 || seeds[start] != 0 || labels[start] != 0)
            {
                continue;
            }

            int label = sizes.Count, size = 0;
            labels[start] = label;
            stack.Push(start);
            while (stack.Count > 0)
            {
                int p = stack.Pop();
                size++;
                foreach (int q in around[..Neighbours(p, width, height, around)])
                {
                    if (candidate[q] != 0 && seeds[q] == 0 && labels[q] == 0)
                    {
                        labels[q] = label;
                        stack.Push(q);
                    }
                }
            }

            sizes.Add(size);
        }

        // Each piece's pixels, grouped by label (a counting sort).
        int[] first = new int[sizes.Count + 1];
        for (int label = 1; label < sizes.Count; label++)
        {
            first[label + 1] = first[label] + sizes[label];
        }

        int[] members = new int[first[^1]], fill = (int[])first.Clone();
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] != 0)
            {
                members[fill[labels[i]]++] = i;
            }
        }

        byte[] grown = (byte[])seeds.Clone();
        bool[] added = new bool[sizes.Count];
        var joined = new List<int>();
        void Join(int label)
        {
            added[label] = true;
            for (int k = first[label]; k < first[label + 1]; k++)
            {
                grown[members[k]] = 255;
                joined.Add(members[k]);
            }
        }

        // The pieces that touch the seeds, whatever their size.
        for (int p = 0; p < seeds.Length; p++)
        {
            if (seeds[p] != 0)
            {
                foreach (int q in around[..Neighbours(p, width, height, around)])
                {
                    if (labels[q] != 0 && !added[labels[q]])
                    {
                        Join(labels[q]);
                    }
                }
            }
        }

        // Then, from everything grown so far and round by round from what each round added, the letter-sized pieces
        // within reach: a breadth-first walk of at most reach steps, which only ever visits the mask's neighbourhood.
        byte[] distance = new byte[grown.Length];
        Array.Fill(distance, byte.MaxValue);
        int steps = Math.Min(reach, byte.MaxValue - 1);
        var sources = new List<int>();
        for (int p = 0; p < grown.Length; p++)
        {
            if (grown[p] != 0)
            {
                sources.Add(p);
            }
        }

        var queue = new Queue<int>();
        while (sources.Count > 0)
        {
            joined.Clear();
            foreach (int p in sources)
            {
                distance[p] = 0;
                queue.Enqueue(p);
            }

            while (queue.Count > 0)
            {
                int p = queue.Dequeue();
                int next = distance[p] + 1;
                if (next > steps)
                {
                    continue;
                }

                foreach (int q in around[..Neighbours(p, width, height, around)])
                {
                    if (next >= distance[q])
                    {
                        continue;
                    }

                    distance[q] = (byte)next;
                    int label = labels[q];
                    if (label != 0 && !added[label] && sizes[label] >= minJump)
                    {
                        Join(label);
                    }

                    queue.Enqueue(q);
                }
            }

            sources = [.. joined];
        }

        return grown;
    }

    /// <summary>
    /// The opening's window at the working scale: odd, and about one and a half strokes of twice the half-width wide —
    /// enough to take a stroke out whole, and no wider: a wider window reaches further into the photo beside the
    /// stroke, and over folds and shading its minimum is darker than the ground under the stroke (the astronaut's ring
    /// over the suit read as no mark). Measured on the watermark benchmark against 2.5, 2.75, 3.5 and 4 (before):
    /// auto-mask PSNR 32.4 / 30.7 dB (PNG / JPEG) against 31.8 / 30.4 at 4, logo recall min 0.85 against 0.81.
    /// </summary>
    internal static int Window(double half, double scale) => Math.Max(5, ((int)Math.Ceiling(3 * half * scale) + 3) | 1);

    /// <summary>The mask's pixels blended by about the mark's opacity against the local ground, with their soft edges (2 px, within the mask).</summary>
    private static byte[] Consistent(byte[] mask, byte[] j, byte[] ground, double alpha, int polarity, int width, int height)
    {
        byte[] kept = new byte[mask.Length];
        for (int i = 0; i < mask.Length; i++)
        {
            if (mask[i] != 0 && Fraction(j, ground, i, polarity) is double f && f >= alpha * 0.35 && f <= alpha + 0.25)
            {
                kept[i] = 255;
            }
        }

        MaskOps.Dilate(kept, width, height, 2);
        for (int i = 0; i < kept.Length; i++)
        {
            kept[i] = mask[i] != 0 ? kept[i] : (byte)0;
        }

        return kept;
    }

    /// <summary>The side the local ground of <see cref="Complete"/> is computed at (then scaled to the photo).</summary>
    public const int CompletionSide = 1024;

    /// <summary>A pixel is followed when its fraction is at least this share of the mark's opacity (0.65 measured the same recall, lower auto-mask PSNR).</summary>
    private const double GrowFloor = 0.5;

    /// <summary>Candidates deeper than this many stroke half-widths (plus a pixel) are a patch, not a stroke (1.0 measured lower recall on the logos).</summary>
    private const double ThickFactor = 1.5;

    /// <summary>The mask's half-width in pixels: the 90th percentile, over its pixels, of the distance to the nearest unmasked pixel.</summary>
    private static double HalfWidth(byte[] mask, int width, int height) => HalfWidth(MaskOps.Depth(mask, width, height));

    /// <summary>The same from the mask's <see cref="MaskOps.Depth"/>.</summary>
    internal static double HalfWidth(int[] depth)
    {
        var histogram = new Dictionary<int, int>();
        int inside = 0;
        foreach (int d in depth)
        {
            if (d > 0)
            {
                histogram[d] = histogram.GetValueOrDefault(d) + 1;
                inside++;
            }
        }

        int seen = 0;
        foreach ((int d, int n) in histogram.OrderBy(e => e.Key))
        {
            seen += n;
            if (seen > inside * 0.9)
            {
                return d / 3.0;
            }
        }

        return 0;
    }

    /// <summary>One pixel's fraction towards white (+1) or black (−1) when its channels agree, else null.</summary>
    internal static double? Fraction(byte[] j, byte[] b, int i, int polarity)
    {
        double lo = double.MaxValue, hi = double.MinValue, sum = 0;
        int used = 0;
        for (int c = 0; c < 3; c++)
        {
            double bg = b[(i * 3) + c], value = j[(i * 3) + c];
            double headroom = polarity > 0 ? 255 - bg : bg;
            if (headroom < MinHeadroom)
            {
                continue;
            }

            double f = (polarity > 0 ? value - bg : bg - value) / headroom;
            lo = Math.Min(lo, f);
            hi = Math.Max(hi, f);
            sum += f;
            used++;
        }

        return used >= 2 && hi - lo <= MaxSpread ? sum / used : null;
    }

    /// <summary>Per pixel, the mean fraction the channels moved towards white (or black), or NaN when they disagree.</summary>
    private static double[] Fractions(byte[] j, byte[] b, int pixels, int polarity)
    {
        double[] alpha = new double[pixels];
        for (int i = 0; i < pixels; i++)
        {
            alpha[i] = Fraction(j, b, i, polarity) ?? double.NaN;
        }

        return alpha;
    }

    /// <summary>The photo's first three bands (a grey photo's one band three times) as bytes.</summary>
    private static Image Rgb(Image photo)
    {
        using Image colour = photo.HasAlpha() || photo.Bands >= 3 ? photo.ExtractBand(0, n: 3) : photo.Bandjoin(photo, photo);
        return colour.Cast(Enums.BandFormat.Uchar);
    }

    /// <summary>
    /// The mark's opacity is a peak in the histogram of fractions (its fully covered pixels share it, while the photo's
    /// detail thins out from zero); the pixels near the peak are the mark's cores when one of their pieces is of some
    /// size, grown into their neighbours with a smaller fraction of the same sign (the strokes' soft edges).
    /// </summary>
    private static (bool[] Kept, double Alpha, int Pieces)? Select(double[] alpha, int width, int height)
    {
        // Thick strokes (a logo's ring and letter) show best among pixels whose neighbours share their fraction, where
        // the photo's texture thins out; thin text shows only in the plain histogram. The first peak found decides.
        bool[] coherent = Coherent(alpha, width, height);
        int peak = Peak(alpha, a => coherent[a]);
        if (peak < 0)
        {
            peak = Peak(alpha, _ => true);
        }

        if (peak < 0)
        {
            return null;
        }

        double mark = Low + ((peak + 0.5) * Step);
        int[] label = new int[alpha.Length];
        bool[] kept = new bool[alpha.Length];
        var stack = new Stack<int>();
        var cores = new Stack<int>();
        int minPiece = Math.Max(8, alpha.Length / 3000), pieces = 0;
        bool markSized = false;
        Span<int> around = stackalloc int[8];
        for (int start = 0; start < alpha.Length; start++)
        {
            if (label[start] != 0 || !(Math.Abs(alpha[start] - mark) <= 0.1))
            {
                continue;
            }

            int size = 0;
            label[start] = 1;
            stack.Push(start);
            while (stack.Count > 0)
            {
                int p = stack.Pop();
                cores.Push(p);
                size++;
                foreach (int n in around[..Neighbours(p, width, height, around)])
                {
                    if (label[n] == 0 && Math.Abs(alpha[n] - mark) <= 0.1)
                    {
                        label[n] = 1;
                        stack.Push(n);
                    }
                }
            }

            pieces++;
            markSized |= size >= minPiece;
        }

        // Once one piece is the size of a mark's stroke, every piece at its opacity is kept: where the mark crosses busy
        // ground its strokes break into specks, and those are the seeds the completion follows them from. Dropping the
        // pieces under the size (as a walk that re-counted earlier pieces into later ones had been meant to) measured
        // logo recall min 0.63 against 0.85 and auto-mask PSNR 32.1 / 30.5 dB against 32.4 / 30.7 on the watermark
        // benchmark, for less harm around the astronaut's logo (5.0 % of the photo changed against 9.2 %).
        if (!markSized)
        {
            return null;
        }

        foreach (int p in cores)
        {
            kept[p] = true;
        }

        // Soft edges: neighbours of the cores whose fraction has the mark's sign but less of it.
        while (cores.Count > 0)
        {
            int p = cores.Pop();
            foreach (int n in around[..Neighbours(p, width, height, around)])
            {
                if (!kept[n] && alpha[n] >= mark * 0.35 && alpha[n] <= mark + 0.2)
                {
                    kept[n] = true;
                    cores.Push(n);
                }
            }
        }

        int total = kept.Count(k => k);
        return total > alpha.Length / 4 ? null : (kept, mark, pieces);
    }

    private const double Low = 0.15, Step = 0.01;

    /// <summary>
    /// The histogram bin (of <see cref="Step"/> from <see cref="Low"/>) of the mark's opacity: a local maximum in
    /// [<see cref="MinAlpha"/>, <see cref="MaxAlpha"/>] standing well above the histogram 0.12 below it, or −1.
    /// </summary>
    private static int Peak(double[] alpha, Func<int, bool> counted)
    {
        const int bins = 75, below = 12;
        double[] histogram = new double[bins];
        for (int i = 0; i < alpha.Length; i++)
        {
            if (alpha[i] is >= Low and < Low + (bins * Step) && counted(i))
            {
                histogram[(int)((alpha[i] - Low) / Step)]++;
            }
        }

        double[] smooth = new double[bins];
        for (int i = 0; i < bins; i++)
        {
            for (int k = Math.Max(0, i - 2); k <= Math.Min(bins - 1, i + 2); k++)
            {
                smooth[i] += histogram[k] / 5;
            }
        }

        double minRise = Math.Max(10, alpha.Length * 0.0001);
        int peak = -1;
        double bestRise = 0;
        for (int i = below; i < bins - 1; i++)
        {
            double at = Low + ((i + 0.5) * Step);
            double rise = smooth[i] - smooth[i - below];
            if (at is >= MinAlpha and <= MaxAlpha && smooth[i] >= smooth[i - 1] && smooth[i] >= smooth[i + 1] && smooth[i] > 1.3 * smooth[i - below] && rise >= minRise && rise > bestRise)
            {
                (peak, bestRise) = (i, rise);
            }
        }

        return peak;
    }

    /// <summary>Pixels whose 5x5 neighbourhood mostly has a fraction and agrees on it (standard deviation under 0.04).</summary>
    private static bool[] Coherent(double[] alpha, int width, int height)
    {
        bool[] coherent = new bool[alpha.Length];
        for (int y = 2; y < height - 2; y++)
        {
            for (int x = 2; x < width - 2; x++)
            {
                double sum = 0, squares = 0;
                int n = 0;
                for (int dy = -2; dy <= 2; dy++)
                {
                    for (int dx = -2; dx <= 2; dx++)
                    {
                        double a = alpha[((y + dy) * width) + x + dx];
                        if (!double.IsNaN(a))
                        {
                            sum += a;
                            squares += a * a;
                            n++;
                        }
                    }
                }

                if (n >= 15)
                {
                    double mean = sum / n;
                    coherent[(y * width) + x] = (squares / n) - (mean * mean) < 0.04 * 0.04;
                }
            }
        }

        return coherent;
    }

    /// <summary>Writes the indices of pixel <paramref name="p"/>'s 8-neighbours inside the photo to <paramref name="into"/> (8 long) and returns how many.</summary>
    private static int Neighbours(int p, int width, int height, Span<int> into)
    {
        int x = p % width, y = p / width, count = 0;
        for (int dy = -1; dy <= 1; dy++)
        {
            for (int dx = -1; dx <= 1; dx++)
            {
                int nx = x + dx, ny = y + dy;
                if ((dx != 0 || dy != 0) && (uint)nx < (uint)width && (uint)ny < (uint)height)
                {
                    into[count++] = (ny * width) + nx;
                }
            }
        }

        return count;
    }

    /// <summary>
    /// The working-size pieces scaled to the photo and grown by a few pixels, then, at full size, the pixels there whose
    /// channels moved towards the mark's colour by a fraction near the mark's (strokes' soft edges by a little less).
    /// </summary>
    private static (byte[] Mask, byte[] Consistent) Refine(Image rgb, Image bgSmall, Found found, int sw, int sh)
    {
        int width = rgb.Width, height = rgb.Height;
        using Image smallMask = Image.NewFromMemory(found.Mask, sw, sh, 1, Enums.BandFormat.Uchar);
        using Image grown = smallMask.Morph(Image.NewFromArray(new[,] { { 255, 255, 255 }, { 255, 255, 255 }, { 255, 255, 255 } }), Enums.OperationMorphology.Dilate);
        using Image region = Regions.ToExactSize(grown, width, height, Enums.Kernel.Nearest);
        byte[] near = region.WriteToMemory<byte>();
        using Image bg = Regions.ToExactSize(bgSmall, width, height, Enums.Kernel.Linear);
        byte[] j = rgb.WriteToMemory<byte>(), b = bg.WriteToMemory<byte>();
        byte[] mask = new byte[width * height], consistent = new byte[width * height];
        double floor = found.Alpha * 0.35;
        for (int i = 0; i < mask.Length; i++)
        {
            int votes = 0, used = 0;
            for (int c = 0; c < 3; c++)
            {
                double bgc = b[(i * 3) + c], value = j[(i * 3) + c];
                double headroom = found.Polarity > 0 ? 255 - bgc : bgc;
                if (headroom < MinHeadroom)
                {
                    continue;
                }

                used++;
                double f = (found.Polarity > 0 ? value - bgc : bgc - value) / headroom;
                if (f >= floor && f <= found.Alpha + 0.25)
                {
                    votes++;
                }
            }

            if (used > 0 && votes == used)
            {
                consistent[i] = 255;
                mask[i] = near[i];
            }
        }

        return (mask, consistent);
    }
}
