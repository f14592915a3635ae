using NetVips;

namespace Darkroom.Imaging;

/// <summary>
/// Finds a mark tiled across a photo by its repetition alone, with no text recognition: a white or black mark shows in
/// the blend map (per pixel, the one fraction by which all three channels moved towards white or black from the ground
/// beside the strokes), any mark in the photo's detail (grey minus its blur); either holds the mark's strokes at every
/// instance of a lattice, found by <see cref="MarkLattice.FindInImage"/>;
/// the median of the detail over each pixel's instances keeps what all instances share (the mark) and drops what
/// differs (the photo under it). The strokes are the pixels of that common detail past an Otsu cut on the side of
/// the mark's polarity (a light mark is brighter than its surroundings everywhere, a dark one darker).
/// </summary>
public static class RepeatedMark
{
    /// <summary>Common detail weaker than this (grey levels) is not a mark, whatever Otsu says.</summary>
    public const double MinContrast = 6;

    /// <summary>The share of instances that must show a stroke of the common mark for the repetition to count.</summary>
    public const double MinAgreement = 0.75;

    /// <summary>Below this share of the common part's pixels kept, the lattice was the photo's texture, not a mark.</summary>
    public const double MinKept = 0.5;

    /// <summary>How far apart two instances' blend fractions may be for a pixel seen at only two to count as the mark.</summary>
    public const double PairAgreement = 0.1;

    /// <summary>Fewer detected text boxes than this cannot show a repetition.</summary>
    public const int MinHints = 3;

    /// <summary>The result of a search: the mask (width x height, 255 = mark) and the lattice it repeats on.</summary>
    public sealed record Found(byte[] Mask, (int X, int Y) U, (int X, int Y) V, int Polarity);

    /// <param name="photo">The photo.</param>
    /// <param name="hints">Rectangles (left, top, width, height) where text was detected: in a busy photo the mark's
    /// repetition is looked for in them first (the photo's own detail would drown it elsewhere); the mask then covers
    /// every instance, detected or not.</param>
    public static Found? Find(Image photo, IReadOnlyList<(int Left, int Top, int Width, int Height)>? hints = null)
    {
        int width = photo.Width, height = photo.Height;
        int factor = (Math.Max(width, height) + SearchSide - 1) / SearchSide;
        if (factor <= 1)
        {
            return FindAtSize(photo, hints);
        }

        // A large photo is searched on a copy shrunk by a whole factor (a mark tiled over 12 MP has strokes tens of
        // pixels wide); the strokes found are scaled back, and the completion that follows trims them at full size.
        using Image shrunk = photo.Resize(1.0 / factor);
        using Image small = shrunk.CopyMemory();
        List<(int Left, int Top, int Width, int Height)>? smallHints = hints?.Select(h => (h.Left / factor, h.Top / factor, Math.Max(1, h.Width / factor), Math.Max(1, h.Height / factor))).ToList();
        if (FindAtSize(small, smallHints) is not { } found)
        {
            return null;
        }

        using Image smallMask = Image.NewFromMemory(found.Mask, small.Width, small.Height, 1, Enums.BandFormat.Uchar);
        using Image grown = Regions.ToExactSize(smallMask, width, height, Enums.Kernel.Nearest);
        return found with
        {
            Mask = grown.WriteToMemory<byte>(),
            U = (found.U.X * factor, found.U.Y * factor),
            V = (found.V.X * factor, found.V.Y * factor),
        };
    }

    /// <summary>Photos larger than this on their longer side are searched on a copy shrunk by a whole factor.</summary>
    public const int SearchSide = 2048;

    private static Found? FindAtSize(Image photo, IReadOnlyList<(int Left, int Top, int Width, int Height)>? hints)
    {
        int width = photo.Width, height = photo.Height;
        using Image rgb = photo.HasAlpha() ? photo.ExtractBand(0, n: photo.Bands - 1) : photo.Copy();

        // First what only a white (or black) mark does: move every channel by one fraction towards its colour. On a
        // busy photo the mark's share of the plain detail can be too small to repeat visibly (a tiled mark on a 12 MP
        // photo was not found at all), and where it is found the detail's mask takes in the photo's own texture too.
        ((int X, int Y) U, (int X, int Y) V)? found = null;
        double[] detail = [];
        int? blendSign = null;
        byte[]? colour = null;
        if (rgb.Bands >= 3)
        {
            using Image bytes = rgb.ExtractBand(0, n: 3).Cast(Enums.BandFormat.Uchar);
            colour = bytes.WriteToMemory<byte>();
        }

        for (int sign = 1; colour is not null && found is null && sign >= -1; sign -= 2)
        {
            if (BlendMap(colour, width, height, sign) is { } blend && MarkLattice.FindInImage(blend, width, height) is { } repeat)
            {
                // From here on the blend map stands for the detail: it holds the strokes of that polarity only.
                (found, blendSign, detail) = (repeat, sign, blend);
            }
        }

        // Then the detail (any colour of mark). A light mark lifts its strokes above their surroundings and a dark one
        // sinks them, while the photo's own detail goes both ways: each polarity is searched on its own half of the
        // detail, which halves the photo's share.
        if (found is null)
        {
            detail = Detail(rgb);
        }

        foreach (int sign in found is null ? [1, -1] : (ReadOnlySpan<int>)[])
        {
            double[] half = [.. detail.Select(v => Math.Max(0, v * sign))];
            if (hints is { Count: >= MinHints })
            {
                double[] hinted = new double[detail.Length];
                foreach ((int left, int top, int w, int h) in hints)
                {
                    for (int y = Math.Max(0, top); y < Math.Min(height, top + h); y++)
                    {
                        for (int x = Math.Max(0, left); x < Math.Min(width, left + w); x++)
                        {
                            hinted[(y * width) + x] = half[(y * width) + x];
                        }
                    }
                }

                found = MarkLattice.FindInImage(hinted, width, height);
            }

            found ??= MarkLattice.FindInImage(half, width, height);
            if (found is not null)
            {
                break;
            }
        }

        if (found is not { } lattice)
        {
            return null;
        }

        double[] common = MarkLattice.Common(detail, width, height, lattice.U, lattice.V);
        double least = blendSign is null ? MinContrast : BlendMarks.MinAlpha;

        // Polarity: the side with more strong common detail.
        double positive = 0, negative = 0;
        foreach (double value in common)
        {
            if (value > least)
            {
                positive += value;
            }
            else if (value < -least)
            {
                negative -= value;
            }
        }

        // (A lattice found in the blend map comes with its polarity: the detail's dark halo around light strokes can outweigh them.)
        int polarity = blendSign is null ? (positive >= negative ? 1 : -1) : 1;
        double[] side = [.. common.Select(v => v * polarity).Where(v => v > least / 2)];
        if (side.Length < 64)
        {
            return null;
        }

        double min = side.Min(), max = side.Max();
        double[] histogram = new double[256];
        foreach (double v in side)
        {
            histogram[Math.Min(255, (int)((v - min) / Math.Max(1e-9, max - min) * 256))]++;
        }

        double cut = Math.Max(least, min + ((Otsu.Threshold(histogram) + 1) * (max - min) / 256));
        byte[] mask = new byte[width * height];
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = (byte)(common[i] * polarity > cut ? 255 : 0);
        }

        // A true repeat shows each stroke at (nearly) every instance; where most instances do not, the common part
        // is the photo's texture that the median did not average away (few instances, a busy photo), and a lattice
        // the photo's own texture suggested leaves little that is shown everywhere.
        List<(int X, int Y)> offsets = MarkLattice.Offsets(width, height, lattice.U, lattice.V);
        int candidates = 0, kept = 0;
        for (int i = 0; i < mask.Length; i++)
        {
            if (mask[i] == 0)
            {
                continue;
            }

            candidates++;
            int x0 = i % width, y0 = i / width, looked = 0, shown = 0;
            double low = double.MaxValue, high = double.MinValue;
            foreach ((int dx, int dy) in offsets)
            {
                int x = x0 + dx, y = y0 + dy;
                if (x >= 0 && x < width && y >= 0 && y < height)
                {
                    looked++;
                    double value = detail[(y * width) + x] * polarity;
                    shown += value > cut ? 1 : 0;
                    (low, high) = (Math.Min(low, value), Math.Max(high, value));
                }
            }

            // Where only two instances lie in the photo (a symbol at the start of a line that the photo's edge cuts
            // off elsewhere), the median cannot outvote the photo; in the blend map both must show the mark and
            // agree on its opacity, which texture beside two lattice points seldom does. Such pixels count as not
            // kept in the agreement below that tells a mark from texture: that needs the median.
            if (looked < MarkLattice.MinInstances)
            {
                bool pair = looked == 2 && blendSign is not null && shown == 2 && high - low <= PairAgreement;
                mask[i] = pair ? (byte)255 : (byte)0;
            }
            else if (shown < MinAgreement * looked)
            {
                mask[i] = 0;
            }
            else
            {
                kept++;
            }
        }

        double agreement = candidates == 0 ? 0 : kept / (double)candidates;
        return agreement >= MinKept ? new Found(mask, lattice.U, lattice.V, blendSign ?? polarity) : null;
    }

    /// <summary>The photo's detail: grey minus its blur, wider than a stroke so a stroke's inside stands out from its blur all the way across.</summary>
    private static double[] Detail(Image rgb)
    {
        using Image grey = rgb.Colourspace(Enums.Interpretation.Bw).Cast(Enums.BandFormat.Float);
        double sigma = Math.Max(3, Math.Min(rgb.Width, rgb.Height) / 40.0);
        using Image blurred = WideBlur(grey, sigma);
        using Image difference = grey - blurred;
        float[] raw = difference.WriteToMemory<float>();
        double[] detail = new double[raw.Length];
        for (int i = 0; i < raw.Length; i++)
        {
            detail[i] = raw[i];
        }

        return detail;
    }

    /// <summary>
    /// Per pixel, the fraction by which all three channels moved towards white (<paramref name="polarity"/> +1; −1:
    /// black) from the ground beside them (an opening, or closing, wider than a stroke), where they agree on one in
    /// [<see cref="BlendMarks.MinAlpha"/>, <see cref="BlendMarks.MaxAlpha"/>]; 0 elsewhere. Null when nothing moved.
    /// </summary>
    /// <param name="j">The photo's RGB bytes.</param>
    private static double[]? BlendMap(byte[] j, int width, int height, int polarity)
    {
        byte[] ground = MorphFilter.Open(j, width, height, 3, Math.Max(5, (Math.Min(width, height) / 40) | 1), light: polarity > 0);
        double[] map = new double[width * height];
        bool any = false;
        for (int i = 0; i < map.Length; i++)
        {
            if (BlendMarks.Fraction(j, ground, i, polarity) is double f and >= BlendMarks.MinAlpha and <= BlendMarks.MaxAlpha)
            {
                map[i] = f;
                any = true;
            }
        }

        return any ? map : null;
    }

    /// <summary>
    /// A Gaussian blur of <paramref name="sigma"/>. A wide one is made on a copy shrunk by a quarter of sigma (box
    /// averages) and scaled back bilinearly: what it keeps varies over tens of pixels, and at 12 MP (sigma 75) the
    /// full-size blur took 5.2 s here. Up to sigma 16 (photos up to about 640 px on the short side) it is exact.
    /// </summary>
    private static Image WideBlur(Image grey, double sigma)
    {
        int factor = sigma > 16 ? (int)(sigma / 4) : 1;
        if (factor <= 1)
        {
            return grey.Gaussblur(sigma);
        }

        using Image shrunk = grey.Shrink(factor, factor);
        using Image blurred = shrunk.Gaussblur(sigma / factor);
        using Image scaled = Regions.ToExactSize(blurred, grey.Width, grey.Height, Enums.Kernel.Linear);
        return scaled.CopyMemory();
    }
}
