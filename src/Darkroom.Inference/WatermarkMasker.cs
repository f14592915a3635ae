using Darkroom.Core.Options;
using NetVips;

namespace Darkroom.Inference;

/// <summary>
/// Turns text boxes into a watermark mask. In <c>auto</c> mode a box is kept when it looks like a watermark:
/// near an edge or corner, low contrast (semi-transparent overlay), or one of several same-height boxes
/// (tiled marks). Inside each kept box only the strokes are marked — the pixels on the far side of an Otsu
/// threshold from the box's border — so the mask follows the letters, not their rectangle.
/// </summary>
public static class WatermarkMasker
{
    /// <summary>Boxes whose centre lies in this outer fraction of the width or height count as near an edge.</summary>
    public const double EdgeBand = 0.22;

    /// <summary>Luminance standard deviation under which a box counts as a low-contrast overlay.</summary>
    public const double LowContrast = 28;

    /// <summary>How far beyond a kept box's sides strokes are looked for, as a fraction of its height.</summary>
    public const double SideReach = 1.0;

    /// <summary>How far the stroke cut moves from the Otsu threshold towards the text's mean tone.</summary>
    public const double StrokeBias = 0.25;

    /// <summary>The most of a photo an automatic mask may cover (the service refuses to apply more).</summary>
    public const double MaxAutoCover = 0.25;

    public static byte[] Build(Image photo, IReadOnlyList<TextBox> boxes, MaskMode mode)
    {
        // A mark tiled across the photo is found by its repetition, whatever the detector made of its pieces.
        if (mode == MaskMode.Auto && Imaging.RepeatedMark.Find(photo, [.. boxes.Select(b => (b.Left, b.Top, b.Width, b.Height))]) is { } tiled)
        {
            // Completed along its strokes, but a tiled mark is the same at every instance: what the completion added
            // must be there at most of them (white fabric beside one instance is not the mark). What the repetition
            // found stays whatever the completion made of it: its opacity test against the ground beside the strokes
            // dropped a whole instance at the coffee's top edge (over wood and the cup's rim).
            byte[] found = (byte[])tiled.Mask.Clone();
            byte[] completed = Completed(photo, tiled.Mask, tiled.Polarity);
            Imaging.MarkLattice.KeepRepeated(completed, found, photo.Width, photo.Height, tiled.U, tiled.V);
            for (int i = 0; i < completed.Length; i++)
            {
                completed[i] |= found[i];
            }

            return completed;
        }

        int width = photo.Width, height = photo.Height;
        using Image rgb = photo.HasAlpha() ? photo.ExtractBand(0, n: 3) : photo.Copy();
        using Image greyImage = rgb.Colourspace(Enums.Interpretation.Bw);
        byte[] grey = greyImage.Cast(Enums.BandFormat.Uchar).WriteToMemory<byte>();
        byte[] mask = new byte[width * height];
        var kept = new List<(int Left, int Top, int Width, int Height)>();
        foreach (TextBox box in boxes)
        {
            (int left, int top, int right, int bottom) = Clip(box, width, height);
            if (right <= left || bottom <= top)
            {
                continue;
            }

            if (mode == MaskMode.Text || IsWatermarkLike(box, boxes, grey, width, height, left, top, right, bottom))
            {
                // Symbols beside the words (©, ®, a logo glyph) often fall outside the detector's box: look a little wider.
                int reach = (int)(box.Height * SideReach);
                MarkStrokes(grey, mask, width, Math.Max(0, left - reach), top, Math.Min(width, right + reach), bottom);
                kept.Add((Math.Max(0, left - reach), top, Math.Min(width, right + reach) - Math.Max(0, left - reach), bottom - top));
            }
        }

        // The line goes on where the detector's box stopped (busy ground under the rest of the words).
        if (mode == MaskMode.Auto)
        {
            Imaging.BlendMarks.ExtendLines(photo, mask, kept);
        }

        // A logo or symbol with no text the detector reads, found by the blend arithmetic (one opacity, all channels
        // alike). Where one is found, the text strokes are kept only where the photo was blended the same way (a
        // stroke the detector drew on texture is not the mark); and if text and blend together would cover more than
        // the auto mask may, the blended mark alone is what is certain.
        if (mode == MaskMode.Auto && Imaging.BlendMarks.Find(photo) is { } blended)
        {
            byte[] union = new byte[mask.Length];
            for (int i = 0; i < mask.Length; i++)
            {
                union[i] = (byte)(blended.Mask[i] | (mask[i] & blended.Consistent![i]));
            }

            return Completed(photo, Imaging.MaskOps.Coverage(union) <= MaxAutoCover ? union : blended.Mask, blended.Polarity);
        }

        return mode == MaskMode.Auto ? Completed(photo, mask) : mask;
    }

    /// <summary>The auto mask followed along its strokes where they cross objects (<see cref="Imaging.BlendMarks.Complete"/>).</summary>
    private static byte[] Completed(Image photo, byte[] mask, int? polarity = null)
    {
        Imaging.BlendMarks.Complete(photo, mask, MaxAutoCover, polarity);
        return mask;
    }

    private static bool IsWatermarkLike(TextBox box, IReadOnlyList<TextBox> all, byte[] grey, int width, int height, int left, int top, int right, int bottom)
    {
        double cx = box.Left + (box.Width / 2.0), cy = box.Top + (box.Height / 2.0);
        bool nearEdge = cx < width * EdgeBand || cx > width * (1 - EdgeBand) || cy < height * EdgeBand || cy > height * (1 - EdgeBand);
        int similar = all.Count(b => Math.Abs(b.Height - box.Height) <= 0.25 * box.Height);
        return nearEdge || similar >= 3 || StdDev(grey, width, left, top, right, bottom) < LowContrast;
    }

    private static (int Left, int Top, int Right, int Bottom) Clip(TextBox box, int width, int height) =>
        (Math.Clamp(box.Left, 0, width), Math.Clamp(box.Top, 0, height),
         Math.Clamp(box.Left + box.Width, 0, width), Math.Clamp(box.Top + box.Height, 0, height));

    private static double StdDev(byte[] grey, int width, int left, int top, int right, int bottom)
    {
        double sum = 0, sumSquares = 0;
        int n = 0;
        for (int y = top; y < bottom; y++)
        {
            for (int x = left; x < right; x++)
            {
                double v = grey[(y * width) + x];
                sum += v;
                sumSquares += v * v;
                n++;
            }
        }

        double mean = sum / n;
        return Math.Sqrt(Math.Max(0, (sumSquares / n) - (mean * mean)));
    }

    /// <summary>Otsu within the box; the class the box's border mostly is not in is the text.</summary>
    private static void MarkStrokes(byte[] grey, byte[] mask, int width, int left, int top, int right, int bottom)
    {
        Span<double> histogram = stackalloc double[256];
        for (int y = top; y < bottom; y++)
        {
            for (int x = left; x < right; x++)
            {
                histogram[grey[(y * width) + x]]++;
            }
        }

        int threshold = Imaging.Otsu.Threshold(histogram);
        int borderAbove = 0, border = 0;
        for (int x = left; x < right; x++)
        {
            borderAbove += (grey[(top * width) + x] > threshold ? 1 : 0) + (grey[((bottom - 1) * width) + x] > threshold ? 1 : 0);
            border += 2;
        }

        for (int y = top; y < bottom; y++)
        {
            borderAbove += (grey[(y * width) + left] > threshold ? 1 : 0) + (grey[(y * width) + right - 1] > threshold ? 1 : 0);
            border += 2;
        }

        bool textIsBright = borderAbove * 2 < border;

        // Move the cut a quarter of the way from Otsu towards the text's mean: background pixels that merely lean
        // towards the text's tone (bright fur under white text) stay out; dilation restores the soft edges.
        long textSum = 0, textCount = 0;
        for (int v = 0; v < 256; v++)
        {
            if ((v > threshold) == textIsBright)
            {
                textSum += (long)(v * histogram[v]);
                textCount += (long)histogram[v];
            }
        }

        double textMean = textCount == 0 ? threshold : (double)textSum / textCount;
        double cut = threshold + ((textMean - threshold) * StrokeBias);
        for (int y = top; y < bottom; y++)
        {
            for (int x = left; x < right; x++)
            {
                int i = (y * width) + x;
                if (textIsBright ? grey[i] > cut : grey[i] < cut)
                {
                    mask[i] = 255;
                }
            }
        }
    }
}
