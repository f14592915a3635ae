using Darkroom.Core.Options;
using NetVips;

namespace Darkroom.Imaging;

/// <summary>
/// Refines a model's coarse matte at the photo's full resolution. From the matte (scaled up to the photo) it derives
/// confident foreground (the matte at or above one half, eroded by the band width), confident background (below a
/// tenth, eroded likewise) and an unknown band between them; in the band it solves alpha with a colour guided filter
/// (He, Sun and Tang: alpha as a local linear function of the photo's colours, so the edge follows the photo rather
/// than the model's 1024-pixel grid) fed the matte with its confident sides set to exactly 0 and 1; then reads alpha
/// from the colours themselves: the subject's and the background's colours near each pixel (<see cref="SideColours"/>,
/// the model's surer pixels of each side, averaged) and the pixel's colour projected on the line between them — which
/// finds strands the model blurred and clears the grey haze it leaves over background near hair — trusted as far as
/// the two colours stand apart from their own spread. Confident interior becomes fully opaque and confident background
/// fully transparent; and in the band it estimates the subject's own colour by multi-level foreground estimation
/// (Germer et al.: F and B solved coarse to fine so that α·F + (1 − α)·B matches the photo while both stay smooth,
/// started from the side colours so that tiles meet without seams), so none of the old background bleeds into the
/// cut-out. The work runs in tiles with overlapping margins, only where a tile holds part of the band, so memory stays
/// bounded for 50-megapixel photos: full-size buffers are the photo's bytes and the alpha, the side colours a few planes
/// of a grid several times coarser; each worker holds one tile's float planes.
/// </summary>
public static class MatteRefiner
{
    private const int Tile = 128;

    /// <summary>How wide the unknown band is and how the guided filter fits, in full-resolution pixels.</summary>
    /// <param name="Band">Pixels either side of the model's edge that are solved again.</param>
    /// <param name="Radius">The guided filter's window radius.</param>
    /// <param name="Epsilon">The guided filter's regulariser (colours in 0–1): smaller follows the photo more closely.</param>
    public sealed record Settings(int Band, int Radius, double Epsilon)
    {
        /// <summary>Whether alpha in the band is also read from the colours (projection between the nearby subject and background colours).</summary>
        public bool Project { get; init; } = true;

        /// <summary>The guided filter fits on a copy shrunk by this much once its window is wide (large photos).</summary>
        public int Subsample => Math.Max(1, Radius / 2);
    }

    /// <summary>
    /// The settings for a subject type at a photo's size: a wide band for hair and fur (people, animals, and photos
    /// whose kind is unknown), a narrow one for hard-edged products; both scale with the photo's size relative to
    /// the model's 1024-pixel input.
    /// </summary>
    public static Settings For(SubjectType type, int width, int height)
    {
        double scale = Math.Max(1.0, Math.Max(width, height) / 1024.0);
        return type == SubjectType.Product
            ? new Settings(Band: (int)Math.Round(2 * scale) + 1, Radius: (int)Math.Round(1.5 * scale) + 1, Epsilon: 1e-4)
            : new Settings(Band: (int)Math.Round(4 * scale) + 2, Radius: (int)Math.Round(2 * scale) + 1, Epsilon: 1e-4);
    }

    /// <summary>The refined alpha (one band uchar) and the subject's colours (three bands uchar, sRGB), both the photo's size.</summary>
    /// <param name="photo">Upright sRGB uchar, three or four bands (a fourth is ignored here).</param>
    /// <param name="matte">One band uchar, the photo's size: the model's matte scaled up.</param>
    public static (Image Alpha, Image Colour) Refine(Image photo, Image matte, Settings settings)
    {
        int width = photo.Width, height = photo.Height;
        if (matte.Width != width || matte.Height != height)
        {
            throw new ArgumentException("The matte must be the photo's size.", nameof(matte));
        }

        using Image rgb = photo.Bands > 3 ? photo.ExtractBand(0, n: 3) : photo.Copy();
        // The photo's decoding is mostly serial (one core) and the matte may still be a libvips pipeline (a crop's second
        // pass set into it): read side by side, not one after the other.
        Task<byte[]> reading = Task.Run(() => PixelImage.Read(matte));
        byte[] pixels = PixelImage.Read(rgb);
        byte[] coarse = reading.GetAwaiter().GetResult();
        byte[] alpha = new byte[coarse.Length];
        SideColours? sides = settings.Project ? SideColours.Estimate(pixels, coarse, width, height, (2 * settings.Band) + 1) : null;
        var job = new Job(pixels, coarse, alpha, width, height, settings, sides);
        int across = (width + Tile - 1) / Tile, down = (height + Tile - 1) / Tile;
        var colours = new (int X, int Y, int W, int H, byte[] Rgb)?[across * down];
        Parallel.For(0, across * down, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, () => new Scratch(), (t, _, scratch) =>
        {
            scratch.Reset();
            colours[t] = job.RefineTile((t % across) * Tile, (t / across) * Tile, scratch);
            return scratch;
        }, _ => { });

        // The band's colours replace the photo's mixed ones only after every tile has read the photo.
        foreach ((int X, int Y, int W, int H, byte[] Rgb)? patch in colours)
        {
            if (patch is not { } p)
            {
                continue;
            }

            for (int y = 0; y < p.H; y++)
            {
                Buffer.BlockCopy(p.Rgb, y * p.W * 3, pixels, (((p.Y + y) * width) + p.X) * 3, p.W * 3);
            }
        }

        Image a = Image.NewFromMemory(alpha, width, height, 1, Enums.BandFormat.Uchar);
        Image c = PixelImage.Wrap(pixels, width, height, 3, Enums.Interpretation.Srgb);
        return (a, c);
    }

    private sealed class Job(byte[] pixels, byte[] coarse, byte[] alpha, int width, int height, Settings settings, SideColours? sides)
    {
        private const byte Opaque = 128, Clear = 26;
        private const float ToUnit = 1f / 255;

        // The projection's trust, |F − B|² / (|F − B|² + SpreadWeight·(spread F + spread B) + DistanceFloor), colours
        // in 0–1: measured on the cut-out benchmark (weights 4, 1, 0.5 and 0.25 tried; 0.5 best overall).
        private const float SpreadWeight = 0.5f, DistanceFloor = 0.01f;

        // Where the model is sure of the subject (over 0.8) the colours are trusted less, down to a fifth at 1: a
        // subject's own colour near the background's would otherwise punch holes along its edge (2, 4 and 8 measured
        // alike on the cut-out benchmark; without it the model-found band SAD was 0.70x, colour 0.83x, with it 0.69x, 0.78x).
        private const float SureDamping = 4f;

        // A pixel the mix of F and B does not explain (its colour off the line between them: a third colour of the
        // subject the window's mean does not hold) is trusted less: Residual / (Residual + |I − (αF + (1 − α)B)|²)
        // (0.01 and 0.04 measured alike; model-found gradient 0.55x → 0.53x, MSE 0.85x → 0.84x).
        private const float Residual = 0.04f;

        // Alpha under this in the band is cleared: a haze no background shows (at most 5 levels of 255 between the subject's
        // and the background's colours) that would still widen the subject's box and speck a dark background's edge (on
        // the cut-out benchmark band SAD 0.700x -> 0.697x; the true alpha on the pixels it clears is 0.5 % of the band's).
        private const float Invisible = 0.02f;

        private readonly int margin = settings.Band + (2 * settings.Radius) + 4;

        // How far around a tile's core its colours are solved (see RefineTile).
        private const int ColourMargin = 12;

        /// <summary>Writes the tile's alpha; returns its band colours (the tile's core, RGB), or null when it has no band.</summary>
        /// <param name="scratch">The worker's planes, valid until its next tile.</param>
        public (int X, int Y, int W, int H, byte[] Rgb)? RefineTile(int x0, int y0, Scratch scratch)
        {
            int cw = Math.Min(Tile, width - x0), ch = Math.Min(Tile, height - y0);
            int ex = Math.Max(0, x0 - margin), ey = Math.Max(0, y0 - margin);
            int ew = Math.Min(width, x0 + cw + margin) - ex, eh = Math.Min(height, y0 + ch + margin) - ey;

            // A tile whose whole neighbourhood is confidently one side needs no solving.
            bool allSure = true, allClear = true;
            for (int y = ey; y < ey + eh && (allSure || allClear); y++)
            {
                ReadOnlySpan<byte> row = coarse.AsSpan((y * width) + ex, ew);
                allSure = allSure && row.IndexOfAnyExceptInRange(Opaque, byte.MaxValue) < 0;
                allClear = allClear && row.IndexOfAnyExceptInRange(byte.MinValue, (byte)(Clear - 1)) < 0;
            }

            if (allSure || allClear)
            {
                byte fill = allSure ? (byte)255 : (byte)0;
                for (int y = y0; y < y0 + ch; y++)
                {
                    alpha.AsSpan((y * width) + x0, cw).Fill(fill);
                }

                return null;
            }

            int n = ew * eh;
            float[] m = scratch.Take<float>(n);
            float[][] guide = [scratch.Take<float>(n), scratch.Take<float>(n), scratch.Take<float>(n)];
            // Complements of the confident sets, grown by the band: what is left unset is confident.
            byte[] notSure = scratch.Take<byte>(n), notBack = scratch.Take<byte>(n);
            for (int y = 0; y < eh; y++)
            {
                int src = ((ey + y) * width) + ex;
                for (int x = 0; x < ew; x++)
                {
                    int i = (y * ew) + x;
                    byte v = coarse[src + x];
                    m[i] = v * ToUnit;
                    notSure[i] = v >= Opaque ? (byte)0 : (byte)255;
                    notBack[i] = v < Clear ? (byte)0 : (byte)255;
                    for (int c = 0; c < 3; c++)
                    {
                        guide[c][i] = pixels[((src + x) * 3) + c] * ToUnit;
                    }
                }
            }

            MaskOps.Dilate(notSure, ew, eh, settings.Band, scratch);
            MaskOps.Dilate(notBack, ew, eh, settings.Band, scratch);
            // The filter's input is the matte with the confident sides set to exactly 0 and 1, so that a translucent
            // interior does not pull the band's fit towards translucence.
            Constrain(m, notSure, notBack);
            // Alpha and the colours are needed in the tile's core only, and the colour solve a few pixels around it: the
            // filter's output, the projection and the colour solve cover that, not the whole margin the filter's fits
            // and the band needed.
            int fx = Math.Max(ex, x0 - ColourMargin), fy = Math.Max(ey, y0 - ColourMargin);
            int fw = Math.Min(ex + ew, x0 + cw + ColourMargin) - fx, fh = Math.Min(ey + eh, y0 + ch + ColourMargin) - fy;
            int ox = fx - ex, oy = fy - ey;
            float[] a = GuidedFilter.Apply(guide, m, ew, eh, settings.Radius, (float)settings.Epsilon, settings.Subsample, scratch, (ox, oy, fw, fh));
            float[][] subGuide = [scratch.Take<float>(fw * fh), scratch.Take<float>(fw * fh), scratch.Take<float>(fw * fh)];
            for (int y = 0; y < fh; y++)
            {
                for (int c = 0; c < 3; c++)
                {
                    Array.Copy(guide[c], ((oy + y) * ew) + ox, subGuide[c], y * fw, fw);
                }
            }

            Span<float> fore = stackalloc float[3], back = stackalloc float[3];
            for (int y = 0; y < fh; y++)
            {
                for (int x = 0; x < fw; x++)
                {
                    int i = ((oy + y) * ew) + ox + x, q = (y * fw) + x;
                    if (notSure[i] == 0)
                    {
                        a[q] = 1f;
                    }
                    else if (notBack[i] == 0)
                    {
                        a[q] = 0f;
                    }
                    else
                    {
                        float value = Math.Clamp(a[q], 0f, 1f);
                        value = sides is null ? value : Project(subGuide, q, m[i], value, fx + x, fy + y, fore, back);
                        a[q] = value < Invisible ? 0f : value;
                    }
                }
            }

            float[][] foreground = ForegroundEstimation.Solve(subGuide, a, fw, fh, sides is null ? null : Guess(subGuide, fx, fy, fw, fh, scratch), scratch);
            byte[] rgb = new byte[cw * ch * 3];
            for (int y = 0; y < ch; y++)
            {
                for (int x = 0; x < cw; x++)
                {
                    int o = (y * cw) + x, p = (((y0 + y) * width) + x0 + x) * 3;
                    int q = ((y0 - fy + y) * fw) + (x0 - fx + x);
                    byte value = (byte)((a[q] * 255f) + 0.5f);
                    alpha[((y0 + y) * width) + x0 + x] = value;
                    for (int c = 0; c < 3; c++)
                    {
                        rgb[(o * 3) + c] = value is > 0 and < 255 ? (byte)((Math.Clamp(foreground[c][q], 0f, 1f) * 255f) + 0.5f) : pixels[p + c];
                    }
                }
            }

            return (x0, y0, cw, ch, rgb);
        }

        /// <summary>Sets the confident sides of a tile's plane to exactly 1 (subject) and 0 (background).</summary>
        private static void Constrain(float[] plane, byte[] notSure, byte[] notBack)
        {
            for (int i = 0; i < plane.Length; i++)
            {
                plane[i] = notSure[i] == 0 ? 1f : notBack[i] == 0 ? 0f : plane[i];
            }
        }

        /// <summary>The side colours as the foreground estimation's first guess over the tile, on its coarse grid; the photo where they are unknown.</summary>
        private (float[][] F, float[][] B) Guess(float[][] guide, int ex, int ey, int w, int h, Scratch scratch)
        {
            (int gw, int gh) = ForegroundEstimation.StartSize(w, h);
            float[][] f = [scratch.Take<float>(gw * gh), scratch.Take<float>(gw * gh), scratch.Take<float>(gw * gh)];
            float[][] b = [scratch.Take<float>(gw * gh), scratch.Take<float>(gw * gh), scratch.Take<float>(gw * gh)];
            Span<float> fore = stackalloc float[3], back = stackalloc float[3];
            for (int y = 0; y < gh; y++)
            {
                int py = Math.Min(h - 1, (int)((y + 0.5) * h / gh));
                for (int x = 0; x < gw; x++)
                {
                    int px = Math.Min(w - 1, (int)((x + 0.5) * w / gw)), i = (y * gw) + x, p = (py * w) + px;
                    bool known = sides!.At(ex + px, ey + py, fore, back, out _, out _);
                    for (int c = 0; c < 3; c++)
                    {
                        f[c][i] = known ? fore[c] : guide[c][p];
                        b[c][i] = known ? back[c] : guide[c][p];
                    }
                }
            }

            return (f, b);
        }

        /// <summary>
        /// In the band, alpha from the colours themselves: the subject's colour F and the background's B near the
        /// pixel come from <see cref="SideColours"/>, and the pixel's colour projected onto the line from B to F gives
        /// α = (I − B)·(F − B) / |F − B|². It is trusted as far as F and B are told apart (|F − B|² against the two
        /// sides' own colour spread: a busy background makes the projection noisy), less where the model is sure of
        /// the subject, and less where the pixel's colour is off the line; the rest is the guided filter's value.
        /// </summary>
        /// <param name="guide">The photo's planes; <paramref name="i"/> indexes them.</param>
        /// <param name="model">The model's alpha at the pixel.</param>
        /// <param name="filtered">The guided filter's alpha at the pixel, in 0–1.</param>
        /// <param name="x">The pixel's column in the photo.</param>
        /// <param name="y">The pixel's row in the photo.</param>
        /// <param name="fore">Room for the subject's colour.</param>
        /// <param name="back">Room for the background's colour.</param>
        private float Project(float[][] guide, int i, float model, float filtered, int x, int y, Span<float> fore, Span<float> back)
        {
            if (!sides!.At(x, y, fore, back, out float foreSpread, out float backSpread))
            {
                return filtered;
            }

            float dr = fore[0] - back[0], dg = fore[1] - back[1], db = fore[2] - back[2];
            float distance = (dr * dr) + (dg * dg) + (db * db);
            float projected = Math.Clamp((((guide[0][i] - back[0]) * dr) + ((guide[1][i] - back[1]) * dg) + ((guide[2][i] - back[2]) * db)) / Math.Max(distance, 1e-6f), 0f, 1f);
            float trust = distance / (distance + (SpreadWeight * (foreSpread + backSpread)) + DistanceFloor);
            if (model > 0.5f)
            {
                trust *= Math.Min(1f, (SureDamping * (1 - model)) + 0.2f);
            }

            float er = guide[0][i] - ((projected * fore[0]) + ((1 - projected) * back[0]));
            float eg = guide[1][i] - ((projected * fore[1]) + ((1 - projected) * back[1]));
            float eb = guide[2][i] - ((projected * fore[2]) + ((1 - projected) * back[2]));
            trust *= Residual / (Residual + (er * er) + (eg * eg) + (eb * eb));
            return (trust * projected) + ((1 - trust) * filtered);
        }
    }
}
