using System.Runtime.Intrinsics;

namespace Darkroom.Imaging;

/// <summary>What de-blending found and did: the mark's opacity and colour, how many pixels were recovered or filled, and how many took their coverage from the median over a tiled mark's repeats.</summary>
public sealed record DeblendReport(double Alpha, double Red, double Green, double Blue, int Marked, int Recovered, int Filled, double FitResidual, int SharedAcrossRepeats = 0);

/// <summary>
/// Removes an alpha-blended watermark by inverting the blend instead of painting over it. A visible mark is
/// J = a·c + (1 − a)·I: where its opacity a is below 1 the photo I is still there. Inside the mask the photo is
/// first estimated from outside (Telea, smooth but texture-free); across the marked pixels J is then a straight
/// line of that estimate B, J ≈ (1 − α)·B + α·c per channel with one α for all channels, so a robust fit (pixels
/// far from the line, and pixels the mark does not cover, are set aside over a few rounds) gives α and c. Each
/// pixel's own coverage m (anti-aliased edges, the dilated ring) follows from how far J moved from B towards c;
/// the photo is then I = (J − α·m·c) / (1 − α·m). Where α·m is near 1 the inversion would amplify noise past
/// use, so the pixel is blended towards the fill instead. Only masked pixels change.
/// </summary>
public static class WatermarkDeblender
{
    /// <summary>Above this effective opacity a pixel is filled rather than recovered (noise would grow more than 1/(1 − 0.85) ≈ 6.7 x).</summary>
    public const double MaxRecoverableOpacity = 0.85;

    /// <summary>Telea's radius for the estimate from outside: 3 measured as good as 5 (33.5 dB PNG) and 0.5 s faster at 12 MP.</summary>
    private const int FillRadius = 3;

    /// <summary>What was done to a masked pixel: nothing (no mark found on it), recovered by inversion, or filled (the mark nearly opaque there).</summary>
    public const byte Untouched = 0, Recovered = 1, Filled = 2;

    /// <summary>Below this fitted opacity there is no blended mark to invert (or too little to estimate it).</summary>
    public const double MinOpacity = 0.04;

    /// <param name="pixels">width x height x channels bytes (3 or 4 channels, the first three colour); masked pixels are rewritten in place.</param>
    /// <param name="mask">width x height bytes, non-zero where the mark may be.</param>
    /// <returns>What was estimated and done; null when no blended mark could be estimated (the caller fills instead).</returns>
    /// <param name="lossy">The photo was lossy-compressed (JPEG, lossy WebP…): recovered pixels are smoothed as much as their noise was amplified.</param>
    /// <param name="actions">Optional, width x height: set for each masked pixel to what was done there (<see cref="Untouched"/>, <see cref="Recovered"/>, <see cref="Filled"/>); left alone when null is returned.</param>
    public static DeblendReport? Deblend(Span<byte> pixels, ReadOnlySpan<byte> mask, int width, int height, int channels, bool lossy = false, byte[]? actions = null)
    {
        int count = width * height;
        if (channels < 3 || pixels.Length < count * channels || mask.Length < count)
        {
            throw new ArgumentException("pixels must be width x height x channels (3 or 4) and mask width x height.");
        }

        var insideList = new List<int>();
        for (int i = 0; i < count; i++)
        {
            if (mask[i] != 0)
            {
                insideList.Add(i);
            }
        }

        int[] inside = [.. insideList];
        if (inside.Length < 16)
        {
            return null;
        }

        // The photo as seen from outside the mask: what the fill would paint.
        byte[] fill = pixels.ToArray();
        TeleaInpainter.Inpaint(fill, mask, width, height, channels, radius: FillRadius);

        byte[] marked = new byte[inside.Length];
        (double alpha, double[] colour, double residual)? fit = Fit(pixels, fill, inside, channels, marked, width, height);
        if (fit is not { } found || found.alpha < MinOpacity || found.alpha > 0.97)
        {
            return null;
        }

        (double a, double[] c, _) = found;

        ((int X, int Y) U, (int X, int Y) V)? tiling = MarkLattice.Find(mask, width, height);
        // Where the strokes' insides start from: the ground seen beside them for a single white or black mark (a tiled
        // one takes its coverage from all its repeats instead, and measured better starting from the fill).
        // A lossless tiled mark takes its anti-aliased edges exactly from the median over its repeats; everything else is
        // held to the shape of a drawn mark while its coverage is found (see Shape). After the median over the repeats
        // the shape is not applied again: that measured 0.2–0.4 dB worse on the tiled JPEG rows.
        bool shaped = tiling is null || lossy;
        double[] coverage = RefineCoverage(pixels, tiling is null ? StartGround(pixels, fill, mask, inside, width, height, channels, a, c) : fill, inside, width, height, channels, a, c, shaped);

        // A tiled mark: every instance has the same coverage, so each pixel takes the median over its instances.
        int shared = 0;
        if (tiling is { } lattice)
        {
            shared = MarkLattice.Share(coverage, mask, width, height, lattice.U, lattice.V);
        }

        Unsupported(coverage, inside, width, height);
        if (tiling is null)
        {
            Shape(coverage, inside, width, height);
        }

        double[] values = new double[inside.Length * 3];
        int recovered = 0, filled = 0, markedCount = 0;
        for (int k = 0; k < inside.Length; k++)
        {
            int p = inside[k] * channels;
            double m = coverage[inside[k]];
            markedCount += m >= 0.95 ? 1 : 0;
            double am = a * m;

            // Recovery where it is trustworthy, the fill where the mark is nearly opaque, a blend in between.
            double trust = am <= MaxRecoverableOpacity ? 1 : Math.Max(0, (0.95 - am) / (0.95 - MaxRecoverableOpacity));
            for (int ch = 0; ch < 3; ch++)
            {
                values[(k * 3) + ch] = am <= 1e-3 ? pixels[p + ch] : (trust * Invert(pixels[p + ch], am, c[ch])) + ((1 - trust) * fill[p + ch]);
            }

            if (actions is not null)
            {
                actions[inside[k]] = am <= 1e-3 ? Untouched : trust >= 1 ? Recovered : Filled;
            }

            if (am <= 1e-3)
            {
                continue;
            }

            if (trust >= 1)
            {
                recovered++;
            }
            else
            {
                filled++;
            }
        }

        if (lossy)
        {
            Smooth(values, pixels, inside, coverage, a, width, height, channels);
            NonLocalMeans(values, pixels, inside, coverage, a, width, height, channels);
        }

        for (int k = 0; k < inside.Length; k++)
        {
            int p = inside[k] * channels;
            for (int ch = 0; ch < 3; ch++)
            {
                pixels[p + ch] = (byte)Math.Clamp(Math.Round(values[(k * 3) + ch]), 0, 255);
            }
        }

        return new DeblendReport(a, c[0], c[1], c[2], markedCount, recovered, filled, found.residual, shared);
    }

    /// <summary>
    /// The ground each masked pixel's coverage starts from. Telea fills a stroke from the photo around the mask, which is
    /// wrong where the stroke crosses an object (over an orange suit between a white glove and a white strap it paints
    /// white, so the stroke reads as uncovered and a ghost of the letters stays). For a white (or black) mark the ground
    /// beside the strokes is seen instead: the photo with every light (dark) structure narrower than a window twice the
    /// mask's stroke width taken out (a grey opening, or closing) — but only at least <see cref="StartDepth"/> pixels
    /// inside the mask, since a mask is grown around its strokes and in that ring the opening takes the photo's own
    /// light texture for a mark, and only inside a stroke as the opening sees it (blended by about the mark's opacity
    /// against it, with a neighbour that is too): a loose mask's wide insides over light wood grain are not strokes.
    /// Other colours keep the fill.
    /// </summary>
    private static byte[] StartGround(ReadOnlySpan<byte> pixels, byte[] fill, ReadOnlySpan<byte> mask, int[] inside, int width, int height, int channels, double alpha, double[] colour)
    {
        bool light = colour.All(v => v >= 200), dark = colour.All(v => v <= 55);
        if (!light && !dark)
        {
            return fill;
        }

        int count = width * height;
        int[] depth = MaskOps.Depth(mask[..count], width, height);
        int window = BlendMarks.Window(BlendMarks.HalfWidth(depth), 1);
        byte[] rgb = new byte[count * 3];
        for (int i = 0; i < count; i++)
        {
            for (int ch = 0; ch < 3; ch++)
            {
                rgb[(i * 3) + ch] = pixels[(i * channels) + ch];
            }
        }

        byte[] opened = MorphFilter.Open(rgb, width, height, 3, window, light);
        byte[] ground = (byte[])fill.Clone();
        // The strokes as the opening sees them: pixels blended by about the mark's opacity against it.
        byte[] consistent = new byte[count];
        foreach (int i in inside)
        {
            if (BlendMarks.Fraction(rgb, opened, i, light ? 1 : -1) is double f && f >= alpha * 0.5 && f <= alpha + 0.15)
            {
                consistent[i] = 255;
            }
        }

        int[] strokeDepth = MaskOps.Depth(consistent, width, height);

        foreach (int i in inside)
        {
            if (depth[i] < StartDepth * 3 || strokeDepth[i] < 3)
            {
                continue;
            }

            for (int ch = 0; ch < 3; ch++)
            {
                ground[(i * channels) + ch] = opened[(i * 3) + ch];
            }
        }

        return ground;
    }

    /// <summary>
    /// Partial coverage needs a stroke beside it: an anti-aliased edge always lies next to the mark's core (coverage
    /// at least <see cref="Core"/>), while a lone partly-covered pixel is the photo's own texture (a bright speck the
    /// continuity sweeps would flatten) and is left as it was.
    /// </summary>
    private static void Unsupported(double[] coverage, int[] inside, int width, int height)
    {
        var cleared = new List<int>();
        foreach (int i in inside)
        {
            double m = coverage[i];
            if (m <= 0 || m >= Core)
            {
                continue;
            }

            int x0 = i % width, y0 = i / width;
            bool supported = false;
            for (int y = Math.Max(0, y0 - SupportReach); y <= Math.Min(height - 1, y0 + SupportReach) && !supported; y++)
            {
                for (int x = Math.Max(0, x0 - SupportReach); x <= Math.Min(width - 1, x0 + SupportReach); x++)
                {
                    if (coverage[(y * width) + x] >= Core)
                    {
                        supported = true;
                        break;
                    }
                }
            }

            if (!supported)
            {
                cleared.Add(i);
            }
        }

        foreach (int i in cleared)
        {
            coverage[i] = 0;
        }
    }

    private const double Core = 0.6;

    /// <summary>
    /// A mark is drawn: fully covered inside its strokes, partly only on the one pixel ring of its anti-aliased edge.
    /// A pixel whose eight neighbours are all at least half covered is inside a stroke (coverage 1); one with no such
    /// neighbour and less than half itself lies off the strokes (coverage 0). The continuity sweeps alone leave
    /// fractions inside strokes over texture and partial coverage a pixel or two off them (over wood grain, a cup's
    /// rim): with the shape, de-blend PSNR with the true mask on the watermark benchmark 34.4 → 34.7 dB (PNG) and
    /// 32.3 → 32.9 (JPEG); the four single-mark photos +0.6 to +1.7 dB each. Returns which of
    /// <paramref name="inside"/> it settled.
    /// </summary>
    private static bool[] Shape(double[] coverage, int[] inside, int width, int height)
    {
        double[] before = (double[])coverage.Clone();
        bool[] settled = new bool[inside.Length];
        for (int k = 0; k < inside.Length; k++)
        {
            int i = inside[k], x0 = i % width, y0 = i / width, core = 0, total = 0;
            for (int y = y0 - 1; y <= y0 + 1; y++)
            {
                for (int x = x0 - 1; x <= x0 + 1; x++)
                {
                    if ((x == x0 && y == y0) || x < 0 || y < 0 || x >= width || y >= height)
                    {
                        continue;
                    }

                    total++;
                    core += before[(y * width) + x] >= 0.5 ? 1 : 0;
                }
            }

            if (core == total)
            {
                coverage[i] = 1;
                settled[k] = true;
            }
            else if (core == 0 && before[i] < 0.5)
            {
                coverage[i] = 0;
                settled[k] = true;
            }
        }

        return settled;
    }

    private const int SupportReach = 2;

    /// <summary>
    /// For lossy input: inversion multiplies compression noise by 1/(1 − α·m), so each recovered pixel is pulled
    /// towards its neighbours' mean by the share of its neighbourhood's variance that amplified noise explains (a
    /// local Wiener filter; at most half-way).
    /// </summary>
    private static void Smooth(double[] values, ReadOnlySpan<byte> pixels, int[] inside, double[] coverage, double alpha, int width, int height, int channels)
    {
        int[] slot = new int[width * height];
        Array.Fill(slot, -1);
        for (int k = 0; k < inside.Length; k++)
        {
            slot[inside[k]] = k;
        }

        double[] before = (double[])values.Clone();
        for (int k = 0; k < inside.Length; k++)
        {
            int i = inside[k], x = i % width, y = i / width;
            double am = alpha * coverage[i];
            if (am <= 1e-3)
            {
                continue;
            }

            // How much of the 3x3 neighbourhood's spread is the amplified noise: all of it on a smooth patch (pulled
            // half-way to the neighbours), little of it on texture (left nearly as recovered).
            double spread = 0;
            for (int ch = 0; ch < 3; ch++)
            {
                double s1 = 0, s2 = 0;
                int nn = 0;
                for (int yy = Math.Max(0, y - 1); yy <= Math.Min(height - 1, y + 1); yy++)
                {
                    for (int xx = Math.Max(0, x - 1); xx <= Math.Min(width - 1, x + 1); xx++)
                    {
                        int j = (yy * width) + xx;
                        double v = slot[j] >= 0 ? before[(slot[j] * 3) + ch] : pixels[(j * channels) + ch];
                        s1 += v;
                        s2 += v * v;
                        nn++;
                    }
                }

                spread += (s2 / nn) - ((s1 / nn) * (s1 / nn));
            }

            double noise = WienerNoise / (1 - Math.Min(am, 0.95));
            double pull = Math.Min(MaxPull, noise * noise / Math.Max(spread / 3, 1e-6));
            for (int ch = 0; ch < 3; ch++)
            {
                double sum = 0;
                int n = 0;
                foreach (int j in new[] { x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, y > 0 ? i - width : -1, y < height - 1 ? i + width : -1 })
                {
                    if (j >= 0)
                    {
                        sum += slot[j] >= 0 ? before[(slot[j] * 3) + ch] : pixels[(j * channels) + ch];
                        n++;
                    }
                }

                values[(k * 3) + ch] += pull * ((sum / n) - before[(k * 3) + ch]);
            }
        }
    }

    /// <summary>
    /// The pull's noise, in levels before inversion, and its cap. The pull was am/(1 − am) capped at a half whatever the
    /// texture, which blurred wood grain and hair under single marks: as a local Wiener (Lee) filter, watermark benchmark
    /// JPEG rows with the true mask 33.10 → 33.36 dB (noise 1: 33.16, 2: 33.26, 3 at cap 0.65: 33.33, 4: 33.36, 6: 33.38,
    /// 8: 33.35; cap 0.7–0.8 no better). The single marks over texture +0.6 to +0.8 dB, the tiled astronaut and cat −0.3
    /// to −0.4.
    /// </summary>
    private const double WienerNoise = 4, MaxPull = 0.5;

    /// <summary>
    /// How deep inside the mask the start comes from the opening. Watermark benchmark, de-blend PSNR PNG / JPEG with the
    /// true mask (Telea everywhere: 33.6 / 31.5): 0 px: 32.6 / 30.9; 2: 33.3 / 31.5; 3: 34.0 / 32.1; 4 and 5: 34.2 / 32.2;
    /// 6: 34.1 / 32.1; 4 with tiled marks left to Telea: 34.6 / 32.4, but with the automatic masks (looser) 30.2 / 28.4
    /// against 30.5 / 28.5 (the coffee's corner text over wood 27.3 → 23.6). Also requiring a stroke as the opening sees
    /// it, 1 px deep: 34.4 / 32.2 and 30.4 / 28.5; 2 px deep: 34.0 / 31.9 and 30.5 / 28.5.
    /// </summary>
    private const int StartDepth = 4;

    /// <summary>The compression noise of a lossy photo before inversion, in levels (JPEG at quality 90 is about 2; 3 measured the same).</summary>
    private const double LossyNoise = 2;

    /// <summary>
    /// Non-local means' tolerance in units of a pixel's noise, and its search radius. Measured on the watermark
    /// benchmark's JPEG rows (de-blend PSNR in the mask, 29.9 dB with the 4-neighbour pull alone): tolerance 1, 1.5, 2, 3
    /// at radius 3: 31.1, 31.3, 31.4, 31.4; 2 at radius 4, 5, 7: 31.5, 31.6, 31.6; without the pull first 0.2–0.4 lower.
    /// Radius 4: the cost grows with the window's area.
    /// </summary>
    private const double NlmStrength = 2;

    private const int NlmSearch = 4;

    /// <summary>
    /// How far from a recovered pixel an untouched one is still denoised: compression rings around the mark's hard
    /// edges in the photo's own pixels beside it (the mask's grown ring), at the photo's noise. Measured +0.1 dB on the
    /// benchmark's JPEG rows (+0.6 on the smooth gradient), nothing lost elsewhere.
    /// </summary>
    private const int RingReach = 2;

    /// <summary>
    /// For lossy input, non-local means over the recovered pixels: each is replaced by the mean of the pixels in a
    /// (2·<see cref="NlmSearch"/> + 1)² window around it, weighted by how alike their 3x3 neighbourhoods are, with a
    /// tolerance that grows with the pixel's own noise (the compression noise times 1/(1 − α·m)): texture the photo
    /// repeats nearby is kept, the amplified noise averages out. Neighbourhoods are compared on the recovered photo
    /// (recovered pixels inside the mask, the photo outside it). Untouched pixels within <see cref="RingReach"/> of a
    /// recovered one are denoised too, at the photo's own noise. Neighbourhood distances eight floats at a time, and
    /// neighbours weighing under e^-8 skipped: 620 → 390 ms on the 12 MP tiled JPEG, the benchmark's rows unchanged.
    /// </summary>
    private static void NonLocalMeans(double[] values, ReadOnlySpan<byte> pixels, int[] inside, double[] coverage, double alpha, int width, int height, int channels)
    {
        int count = width * height;
        float[] image = new float[count * 3];
        for (int i = 0; i < count; i++)
        {
            for (int ch = 0; ch < 3; ch++)
            {
                image[(i * 3) + ch] = pixels[(i * channels) + ch];
            }
        }

        for (int k = 0; k < inside.Length; k++)
        {
            for (int ch = 0; ch < 3; ch++)
            {
                image[(inside[k] * 3) + ch] = (float)values[(k * 3) + ch];
            }
        }

        int search = NlmSearch;
        double strength = NlmStrength;
        double noise = LossyNoise;
        Parallel.For(0, inside.Length, k =>
        {
            int i = inside[k], x0 = i % width, y0 = i / width;
            double am = alpha * coverage[i];
            if (x0 < 1 || y0 < 1 || x0 >= width - 1 || y0 >= height - 1)
            {
                return;
            }

            double sigma = noise / (1 - Math.Min(am, 0.95));
            if (am <= 1e-3)
            {
                bool near = false;
                for (int y = Math.Max(0, y0 - RingReach); y <= Math.Min(height - 1, y0 + RingReach) && !near; y++)
                {
                    for (int x = Math.Max(0, x0 - RingReach); x <= Math.Min(width - 1, x0 + RingReach); x++)
                    {
                        near |= coverage[(y * width) + x] * alpha > 1e-3;
                    }
                }

                if (!near)
                {
                    return;
                }

                sigma = noise;
            }

            double h2 = strength * strength * sigma * sigma;
            double floor = 2 * sigma * sigma;
            double r = 0, g = 0, b = 0, total = 0;
            for (int y = Math.Max(1, y0 - search); y <= Math.Min(height - 2, y0 + search); y++)
            {
                for (int x = Math.Max(1, x0 - search); x <= Math.Min(width - 2, x0 + search); x++)
                {
                    double distance = 0;
                    for (int dy = -1; dy <= 1; dy++)
                    {
                        // A row of the 3x3 neighbourhood is 9 floats: 8 at once, then the last.
                        int pa = (((y0 + dy) * width) + x0 - 1) * 3, pb = (((y + dy) * width) + x - 1) * 3;
                        Vector256<float> d8 = Vector256.Create<float>(image.AsSpan(pa, 8)) - Vector256.Create<float>(image.AsSpan(pb, 8));
                        float d9 = image[pa + 8] - image[pb + 8];
                        distance += Vector256.Dot(d8, d8) + (d9 * d9);
                    }

                    // Neighbourhoods this unlike weigh under e^-8 (a third of a thousandth): skipped.
                    double excess = Math.Max((distance / 27) - floor, 0) / h2;
                    if (excess > 8)
                    {
                        continue;
                    }

                    double w = Math.Exp(-excess);
                    int q = ((y * width) + x) * 3;
                    r += w * image[q];
                    g += w * image[q + 1];
                    b += w * image[q + 2];
                    total += w;
                }
            }

            values[k * 3] = r / total;
            values[(k * 3) + 1] = g / total;
            values[(k * 3) + 2] = b / total;
        });
    }

    private static double Invert(double j, double am, double c) => (j - (am * c)) / (1 - Math.Min(am, 0.95));

    /// <summary>
    /// Each masked pixel's coverage m. Measured against the fill it is only as good as the fill (inside a stroke it
    /// gives back the fill's guess), so it serves only to start: at least half covered counts as 1, less as 0. Then,
    /// in eight sweeps over the pixels, each takes the coverage (0 to 1 in twentieths) whose recovered colour is
    /// nearest its neighbours' current ones (absolute differences, so a real edge of the photo through the pixel
    /// costs little), with a small pull towards its start: the photo under a mark is as continuous as the photo
    /// around it, while a wrong coverage shows as a step of α·(c − I)/(1 − α). (Squared differences measured
    /// 1.7 dB worse: they smooth the photo's own edges away.) Each difference is scaled by 1 − α·(the pair's mean
    /// coverage): inversion magnifies texture by 1/(1 − α·m), so unscaled a fully covered patch of texture costs more
    /// than the same patch left uncovered, and textured strokes drift to "not covered" (scaling measured +0.5 dB).
    /// </summary>
    private static double[] RefineCoverage(ReadOnlySpan<byte> pixels, byte[] fill, int[] inside, int width, int height, int channels, double alpha, double[] colour, bool shaped = true)
    {
        int count = width * height, n = inside.Length;
        int[] slot = new int[count];
        Array.Fill(slot, -1);
        byte[] source = new byte[n * 3];
        double[] start = new double[n], m = new double[n], current = new double[n * 3];
        for (int k = 0; k < n; k++)
        {
            int i = inside[k];
            slot[i] = k;
            start[k] = Snap(Coverage(pixels, fill, i * channels, alpha, colour)) >= 0.5 ? 1 : 0;
            m[k] = start[k];
            for (int ch = 0; ch < 3; ch++)
            {
                source[(k * 3) + ch] = pixels[(i * channels) + ch];
                current[(k * 3) + ch] = Invert(source[(k * 3) + ch], alpha * m[k], colour[ch]);
            }
        }

        // Unmasked neighbours' colours, once: they never change.
        byte[] around = pixels.ToArray();

        // Red–black order: pixels of one parity never neighbour each other, so each half-sweep runs in parallel.
        int[][] halves = [[.. Enumerable.Range(0, n).Where(k => ((inside[k] % width) + (inside[k] / width)) % 2 == 0)], [.. Enumerable.Range(0, n).Where(k => ((inside[k] % width) + (inside[k] / width)) % 2 == 1)]];
        const int Sweeps = 8, Resweeps = 4;
        bool[] locked = new bool[n];
        Sweep(Sweeps);
        if (shaped)
        {
            // Held to a drawn mark's shape, the pixels inside the strokes and off them are settled; a few more sweeps let
            // the edge between them find its anti-aliased coverage against settled neighbours.
            double[] field = new double[count];
            for (int k = 0; k < n; k++)
            {
                field[inside[k]] = m[k];
            }

            Unsupported(field, inside, width, height);
            locked = Shape(field, inside, width, height);
            for (int k = 0; k < n; k++)
            {
                if (locked[k])
                {
                    m[k] = field[inside[k]];
                    for (int ch = 0; ch < 3; ch++)
                    {
                        current[(k * 3) + ch] = Invert(source[(k * 3) + ch], alpha * m[k], colour[ch]);
                    }
                }
            }

            Sweep(Resweeps);
        }

        double[] coverage = new double[count];
        for (int k = 0; k < n; k++)
        {
            coverage[inside[k]] = m[k];
        }

        return coverage;

        void Sweep(int times)
        {
            for (int sweep = 0; sweep < times; sweep++)
            {
                foreach (int[] half in halves)
                {
                    Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, half.Length, Math.Max(1024, half.Length / (4 * Environment.ProcessorCount))), range =>
                    {
                        Span<double> near = stackalloc double[12];
                        Span<double> nearM = stackalloc double[4];
                        for (int h = range.Item1; h < range.Item2; h++)
                        {
                            int k = half[h], i = inside[k], x = i % width, y = i / width, count4 = 0;
                            if (locked[k])
                            {
                                continue;
                            }

                            foreach (int j in (ReadOnlySpan<int>)[x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, y > 0 ? i - width : -1, y < height - 1 ? i + width : -1])
                            {
                                if (j < 0)
                                {
                                    continue;
                                }

                                int q = slot[j];
                                for (int ch = 0; ch < 3; ch++)
                                {
                                    near[(count4 * 3) + ch] = q >= 0 ? current[(q * 3) + ch] : around[(j * channels) + ch];
                                }

                                nearM[count4++] = q >= 0 ? m[q] : 0;
                            }

                            // Every other twentieth, then the two beside the best of those.
                            ReadOnlySpan<byte> own = source.AsSpan(k * 3, 3);
                            int bestStep = 0;
                            double best = double.MaxValue;
                            for (int step = 0; step <= 20; step += 2)
                            {
                                double cost = CoverageCost(step / 20.0, start[k], own, alpha, colour, near, nearM, count4);
                                if (cost < best)
                                {
                                    (best, bestStep) = (cost, step);
                                }
                            }

                            int coarse = bestStep;
                            foreach (int step in (ReadOnlySpan<int>)[coarse - 1, coarse + 1])
                            {
                                if (step is >= 0 and <= 20 && CoverageCost(step / 20.0, start[k], own, alpha, colour, near, nearM, count4) is double cost && cost < best)
                                {
                                    (best, bestStep) = (cost, step);
                                }
                            }

                            double bestM = bestStep / 20.0;
                            m[k] = bestM;
                            for (int ch = 0; ch < 3; ch++)
                            {
                                current[(k * 3) + ch] = Invert(source[(k * 3) + ch], alpha * bestM, colour[ch]);
                            }
                        }
                    });
                }
            }
        }
    }

    /// <summary>
    /// One candidate coverage's cost in the sweeps: the recovered colour's absolute differences from the neighbours'
    /// (each scaled by 1 − α·the pair's mean coverage), plus the pull towards the start.
    /// </summary>
    private static double CoverageCost(double candidate, double start, ReadOnlySpan<byte> own, double alpha, double[] colour, ReadOnlySpan<double> near, ReadOnlySpan<double> nearM, int count)
    {
        double am = alpha * candidate, cost = StartWeight * Math.Abs(candidate - start);
        for (int ch = 0; ch < 3; ch++)
        {
            double value = Invert(own[ch], am, colour[ch]);
            for (int q = 0; q < count; q++)
            {
                // L1: a photo edge through the pixel costs one neighbour's difference, not its square.
                cost += Math.Abs(value - near[(q * 3) + ch]) * (1 - (alpha * (candidate + nearM[q]) / 2));
            }
        }

        return cost;
    }

    private const double StartWeight = 4.0;

    /// <summary>
    /// Coverage below a tenth is taken as none, so the dilated ring around the mark, where the fill's small errors
    /// would otherwise read as a faint mark, stays as it was. (Snapping high values to 1 was measured worse: it
    /// over-corrects anti-aliased edges by tens of levels.)
    /// </summary>
    private static double Snap(double m) => m <= SnapNone ? 0 : m;

    private const double SnapNone = 0.1;

    /// <summary>How much of the mark covers one pixel: the share of the way J moved from B towards c, least squares over channels.</summary>
    private static double Coverage(ReadOnlySpan<byte> pixels, byte[] fill, int p, double alpha, double[] colour)
    {
        double along = 0, norm = 0;
        for (int ch = 0; ch < 3; ch++)
        {
            double towards = colour[ch] - fill[p + ch];
            along += (pixels[p + ch] - fill[p + ch]) * towards;
            norm += towards * towards;
        }

        // A mark the colour of the photo below it leaves nothing to measure (and nothing to undo).
        return norm < 300 ? 0 : Math.Clamp(along / (alpha * norm), 0, 1);
    }

    /// <summary>
    /// Robust fit of J = (1 − α)·B + α·c over the masked pixels. Round one takes the pixels that moved most from B
    /// (the mark's core, not the dilated ring); later rounds keep the pixels that sit nearer the fitted line than
    /// the identity line J = B, and drop the worst-fitting tenth (texture the fill could not know).
    /// </summary>
    private static (double Alpha, double[] Colour, double Residual)? Fit(ReadOnlySpan<byte> pixels, byte[] fill, int[] inside, int channels, byte[] marked, int width, int height)
    {
        int n = inside.Length;
        int[] slot = new int[width * height];
        Array.Fill(slot, -1);
        for (int k = 0; k < n; k++)
        {
            slot[inside[k]] = k;
        }

        // The fill is trustworthy near the mask's edge and guesses deeper in: fit on pixels within a few pixels of it.
        bool[] near = NearEdge(inside, slot, width, height, FitDepth);

        double[] moved = new double[n];
        for (int k = 0; k < n; k++)
        {
            int p = inside[k] * channels;
            double d = 0;
            for (int ch = 0; ch < 3; ch++)
            {
                double e = pixels[p + ch] - fill[p + ch];
                d += e * e;
            }

            moved[k] = d;
        }

        double threshold = Quantile(moved, 0.5);
        byte[] start = new byte[n];
        for (int k = 0; k < n; k++)
        {
            start[k] = (byte)(moved[k] >= threshold && moved[k] > 27 ? 1 : 0);
        }

        start.CopyTo(marked, 0);
        if (Robust(pixels, fill, inside, channels, marked, slot, near, width, height, null) is not { } free)
        {
            return null;
        }

        (double alpha, double[] colour, double residual) = (free.Alpha, free.Colour, free.Residual);

        // A colour at the end of the range (white or black marks, the usual ones) is taken as exactly that, and α
        // refitted with it fixed: one unknown instead of four, far less swayed by the fill's errors.
        bool atEnd = colour.All(v => v >= 250) || colour.All(v => v <= 5);

        // A near-neutral colour is also fitted as white (or black) from the same start: over dark ground the two are
        // nearly the same line, and a loose mask's fill errors tilt the free fit towards a grey at a higher opacity (the
        // astronaut's corner text with the automatic mask fitted α 0.73 and c = (148, 143, 142) for a white mark at
        // 0.40 and darkened the whole line). The white (black) fit is taken unless it fits its own inliers clearly
        // worse; a mark that really is grey does, and keeps its grey (tested).
        if (!atEnd && colour.Max() - colour.Min() <= NeutralSpread)
        {
            double end = colour.Average() >= 128 ? 255 : 0;
            byte[] endMarked = (byte[])start.Clone();
            if (Robust(pixels, fill, inside, channels, endMarked, slot, near, width, height, end) is { } fixedEnd && fixedEnd.Residual <= free.Residual * EndTolerance)
            {
                (alpha, colour, residual) = (fixedEnd.Alpha, fixedEnd.Colour, fixedEnd.Residual);
                endMarked.CopyTo(marked, 0);
                atEnd = true;
            }
        }

        if (atEnd)
        {
            double end = colour[0] >= 128 ? 255 : 0;
            double endAlpha = FixedColourAlpha(pixels, fill, inside, channels, marked, end);
            if (endAlpha > 0)
            {
                alpha = endAlpha;
                Array.Fill(colour, end);
            }
        }

        return (alpha, colour, residual);
    }

    /// <summary>
    /// The fit's rounds from the pixels in <paramref name="marked"/> (updated to the final inliers): α and c by least
    /// squares, or α alone when <paramref name="fixedColour"/> is given; the residual is the RMS per channel over the
    /// final inliers.
    /// </summary>
    private static (double Alpha, double[] Colour, double Residual)? Robust(ReadOnlySpan<byte> pixels, byte[] fill, int[] inside, int channels, byte[] marked, int[] slot, bool[] near, int width, int height, double? fixedColour)
    {
        int n = inside.Length;
        double alpha = 0, residual = 0;
        double[] colour = new double[3];
        double[] errors = new double[n];
        for (int round = 0; round < 6; round++)
        {
            (double a, double[] b)? line = fixedColour is double end ? FixedLine(pixels, fill, inside, channels, marked, end) : LeastSquares(pixels, fill, inside, channels, marked);
            if (line is not { } l || l.a >= 1 - MinOpacity || l.a <= 0.02)
            {
                return null;
            }

            alpha = 1 - l.a;
            for (int ch = 0; ch < 3; ch++)
            {
                colour[ch] = Math.Clamp(l.b[ch] / alpha, 0, 255);
            }

            // Re-label: nearer the mark's line than the identity line, and not among the worst tenth.
            int kept = 0;
            for (int k = 0; k < n; k++)
            {
                int p = inside[k] * channels;
                double onMark = 0, onPhoto = 0;
                for (int ch = 0; ch < 3; ch++)
                {
                    double j = pixels[p + ch], bk = fill[p + ch];
                    double e1 = j - ((l.a * bk) + l.b[ch]);
                    double e0 = j - bk;
                    onMark += e1 * e1;
                    onPhoto += e0 * e0;
                }

                errors[k] = onMark;
                marked[k] = (byte)(onMark < onPhoto ? 1 : 0);
                kept += marked[k];
            }

            // Anti-aliased edges are partly covered and would pull the line towards the photo: fit on stroke
            // interiors only, the marked pixels whose four neighbours are marked too.
            Erode(marked, inside, slot, width, height);
            if (Enumerable.Range(0, n).Count(k => marked[k] != 0 && near[k]) >= 64)
            {
                for (int k = 0; k < n; k++)
                {
                    marked[k] = (byte)(marked[k] != 0 && near[k] ? 1 : 0);
                }
            }

            kept = marked.Count(v => v != 0);
            if (kept < 16)
            {
                return null;
            }

            double cut = Quantile([.. errors.Where((_, k) => marked[k] != 0)], 0.9);
            residual = 0;
            for (int k = 0; k < n; k++)
            {
                if (marked[k] != 0 && errors[k] > cut)
                {
                    marked[k] = 0;
                }
                else if (marked[k] != 0)
                {
                    residual += errors[k];
                }
            }

            residual = Math.Sqrt(residual / Math.Max(1, kept) / 3);
        }

        return (alpha, colour, residual);
    }

    /// <summary>The line J = a·B + b for a fixed mark colour: a = 1 − α with α from <see cref="FixedColourAlpha"/>.</summary>
    private static (double a, double[] b)? FixedLine(ReadOnlySpan<byte> pixels, byte[] fill, int[] inside, int channels, byte[] selected, double end)
    {
        double alpha = FixedColourAlpha(pixels, fill, inside, channels, selected, end);
        return alpha <= 0 ? null : (1 - alpha, [alpha * end, alpha * end, alpha * end]);
    }

    /// <summary>How deep into the mask (in pixels from its edge) the fit looks: the dilation, the anti-aliased edge and a few core pixels.</summary>
    private const int FitDepth = 6;

    /// <summary>Masked pixels within <paramref name="depth"/> 4-connected steps of an unmasked pixel.</summary>
    private static bool[] NearEdge(int[] inside, int[] slot, int width, int height, int depth)
    {
        int[] distance = new int[inside.Length];
        Array.Fill(distance, int.MaxValue);
        var queue = new Queue<int>();
        for (int k = 0; k < inside.Length; k++)
        {
            int i = inside[k], x = i % width, y = i / width;
            bool edge = x == 0 || y == 0 || x == width - 1 || y == height - 1
                || slot[i - 1] < 0 || slot[i + 1] < 0 || slot[i - width] < 0 || slot[i + width] < 0;
            if (edge)
            {
                distance[k] = 1;
                queue.Enqueue(k);
            }
        }

        while (queue.Count > 0)
        {
            int k = queue.Dequeue(), i = inside[k], x = i % width, y = i / width;
            if (distance[k] >= depth)
            {
                continue;
            }

            foreach (int j in new[] { x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, y > 0 ? i - width : -1, y < height - 1 ? i + width : -1 })
            {
                if (j >= 0 && slot[j] >= 0 && distance[slot[j]] == int.MaxValue)
                {
                    distance[slot[j]] = distance[k] + 1;
                    queue.Enqueue(slot[j]);
                }
            }
        }

        return [.. distance.Select(d => d <= depth)];
    }

    private static void Erode(byte[] marked, int[] inside, int[] slot, int width, int height)
    {
        byte[] before = (byte[])marked.Clone();
        for (int k = 0; k < inside.Length; k++)
        {
            if (before[k] == 0)
            {
                continue;
            }

            int i = inside[k], x = i % width, y = i / width;
            bool interior = x > 0 && y > 0 && x < width - 1 && y < height - 1
                && slot[i - 1] >= 0 && before[slot[i - 1]] != 0
                && slot[i + 1] >= 0 && before[slot[i + 1]] != 0
                && slot[i - width] >= 0 && before[slot[i - width]] != 0
                && slot[i + width] >= 0 && before[slot[i + width]] != 0;
            marked[k] = (byte)(interior ? 1 : 0);
        }
    }

    /// <summary>
    /// How far apart a fitted colour's channels may be to count as neutral, and how much worse (RMS over its own inliers)
    /// a white or black fit may fit than the free one and still be taken. Measured: the free fits that were wrong (the
    /// astronaut's and the coffee's marks with their automatic masks, the cat's logo) had white fits at 0.67–0.96 of
    /// their residual; marks that really are grey (128 and 190 over the coffee) 1.43 and 1.68; a white mark's fit 1.00.
    /// </summary>
    private const double NeutralSpread = 40, EndTolerance = 1.15;

    /// <summary>
    /// α for a fixed mark colour: per marked pixel the least-squares α of J − B = α·(c − B) over its channels, and the
    /// median of those weighted by |c − B|² (the weights a least-squares fit over all of them would give). A median, not
    /// that fit: where the fill under the mask is wrong — a white cup rim under the coffee's ring, filled from the darker
    /// crema beside it — a sixth of the pixels read α near 1 and the fit took 0.53 for a mark at 0.50, which left a dark
    /// ghost of the letter on the red cup (its auto-mask SSIM 0.826; 0.886 with the median, α 0.501). Measured on the
    /// watermark benchmark: true-mask means 34.9 / 33.4 dB (PNG / JPEG) before and 35.0 / 33.4 after, auto mask 33.4 /
    /// 31.5 and 33.4 / 31.6.
    /// </summary>
    private static double FixedColourAlpha(ReadOnlySpan<byte> pixels, byte[] fill, int[] inside, int channels, byte[] marked, double end)
    {
        // The weighted median from a histogram of thousandths (the per-pixel α clamped to [0, 1], as the result is).
        double[] histogram = new double[1001];
        double total = 0;
        for (int k = 0; k < inside.Length; k++)
        {
            if (marked[k] == 0)
            {
                continue;
            }

            int p = inside[k] * channels;
            double along = 0, norm = 0;
            for (int ch = 0; ch < 3; ch++)
            {
                double towards = end - fill[p + ch];
                along += (pixels[p + ch] - fill[p + ch]) * towards;
                norm += towards * towards;
            }

            if (norm > 0)
            {
                histogram[(int)Math.Round(Math.Clamp(along / norm, 0, 1) * 1000)] += norm;
                total += norm;
            }
        }

        double seen = 0;
        for (int bin = 0; bin < histogram.Length; bin++)
        {
            seen += histogram[bin];
            if (total > 0 && seen * 2 >= total)
            {
                return bin / 1000.0;
            }
        }

        return 0;
    }

    /// <summary>J = a·B + b_ch over the selected pixels: one slope for all channels, an intercept per channel.</summary>
    private static (double a, double[] b)? LeastSquares(ReadOnlySpan<byte> pixels, byte[] fill, int[] inside, int channels, byte[] selected)
    {
        double[] sb = new double[3], sj = new double[3];
        double sbb = 0, sbj = 0;
        int n = 0;
        for (int k = 0; k < inside.Length; k++)
        {
            if (selected[k] == 0)
            {
                continue;
            }

            int p = inside[k] * channels;
            n++;
            for (int ch = 0; ch < 3; ch++)
            {
                double bk = fill[p + ch], j = pixels[p + ch];
                sb[ch] += bk;
                sj[ch] += j;
                sbb += bk * bk;
                sbj += bk * j;
            }
        }

        if (n < 16)
        {
            return null;
        }

        // Centre each channel on its own mean; the shared slope is covariance over variance summed across channels.
        double cov = sbj, variance = sbb;
        for (int ch = 0; ch < 3; ch++)
        {
            cov -= sb[ch] * sj[ch] / n;
            variance -= sb[ch] * sb[ch] / n;
        }

        if (variance < n * 3 * 4)
        {
            return null;
        }

        double a = cov / variance;
        double[] b = new double[3];
        for (int ch = 0; ch < 3; ch++)
        {
            b[ch] = (sj[ch] - (a * sb[ch])) / n;
        }

        return (a, b);
    }

    private static double Quantile(double[] values, double q)
    {
        if (values.Length == 0)
        {
            return 0;
        }

        double[] sorted = [.. values];
        Array.Sort(sorted);
        return sorted[Math.Clamp((int)(q * (sorted.Length - 1)), 0, sorted.Length - 1)];
    }
}
