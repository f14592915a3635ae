using NetVips;

namespace Darkroom.Imaging;

/// <summary>
/// Where a second model pass on a small subject's crop pays, and how its matte joins the first. A model that squeezes
/// the whole photo into its input (ISNet: 1024 x 1024) sees a subject a fifth of a 12-megapixel photo across at about
/// 200 pixels; run again on the subject's crop, it sees the same subject at its full input size.
/// </summary>
public static class SubjectCrop
{
    /// <summary>A <see cref="GreyShare"/> at or above which the model is taken to be unsure of its subject.</summary>
    public const double Unsure = 0.2;

    private const byte Subject = 128, Faint = 26, Sure = 230;

    /// <summary>The subject's box in the first matte (where it is at least one half), as fractions of its size; null when there is none.</summary>
    public static (double Left, double Top, double Width, double Height)? Find(Image matte)
    {
        using Image band = matte.Bands > 1 ? matte.ExtractBand(0) : matte.Copy();
        using Image bytes = band.Cast(Enums.BandFormat.Uchar);
        using Image subject = bytes >= Subject;
        int w = matte.Width, h = matte.Height;
        return MaskOps.Bounds(subject.WriteToMemory<byte>(), w, h) is { } box
            ? (box.Left / (double)w, box.Top / (double)h, box.Width / (double)w, box.Height / (double)h)
            : null;
    }

    /// <summary>
    /// The crop in the photo's pixels: the box grown by a fifth of its larger side each way (the subject's soft edge and
    /// some background for context), clamped to the photo; null when a second pass would not show the model at least
    /// one and a half times more of the subject in both directions (the box is over half the photo across or down, or
    /// the photo is not larger than the model's input there).
    /// </summary>
    public static (int Left, int Top, int Width, int Height)? Place((double Left, double Top, double Width, double Height) box, int photoWidth, int photoHeight, int modelWidth, int modelHeight)
    {
        (int left, int top, int width, int height) = Grow(box, photoWidth, photoHeight);

        // What the first pass saw of the crop, in model pixels, against what the second would: the crop's own pixels, up to the input size.
        double seenAcross = width * (double)modelWidth / photoWidth, seenDown = height * (double)modelHeight / photoHeight;
        double gainAcross = Math.Min(width, modelWidth) / seenAcross, gainDown = Math.Min(height, modelHeight) / seenDown;
        bool small = width * 2 <= photoWidth && height * 2 <= photoHeight;
        return small && gainAcross >= 1.5 && gainDown >= 1.5 && width >= 16 && height >= 16 ? (left, top, width, height) : null;
    }

    /// <summary>
    /// The share of the matte's subject and edge (pixels at or above a tenth) that the model left between a tenth and
    /// nine tenths: a model sure of what it found leaves only a thin grey edge (0.02–0.10 on the cut-out benchmark's
    /// composites it found, 0.03 on the astronaut and coffee photos); a share of a fifth or more says it was torn
    /// between the subject and something around it.
    /// </summary>
    public static double GreyShare(ReadOnlySpan<byte> matte)
    {
        int grey = 0, any = 0;
        foreach (byte v in matte)
        {
            any += v >= Faint ? 1 : 0;
            grey += v is >= Faint and < Sure ? 1 : 0;
        }

        return any == 0 ? 0 : grey / (double)any;
    }

    /// <summary>
    /// The crop for a closer look at a subject the model was unsure of (<see cref="GreyShare"/> at least
    /// <see cref="Unsure"/>): the subject's box grown as in <see cref="Grow"/>, which leaves out what lies farther around
    /// it, so that the model sees the subject larger and less of what it hesitated over; null when the crop would keep
    /// nine tenths of the photo or more (the same view again) or is narrower than 16 pixels.
    /// </summary>
    public static (int Left, int Top, int Width, int Height)? PlaceCloser((double Left, double Top, double Width, double Height) box, int photoWidth, int photoHeight)
    {
        (int left, int top, int width, int height) = Grow(box, photoWidth, photoHeight);
        bool closer = width * (double)height < 0.9 * photoWidth * photoHeight;
        return closer && width >= 16 && height >= 16 ? (left, top, width, height) : null;
    }

    /// <summary>The crop in the photo's pixels around a box (fractions of the photo): grown by a fifth of its larger side each way, clamped to the photo.</summary>
    public static (int Left, int Top, int Width, int Height) Grow((double Left, double Top, double Width, double Height) box, int photoWidth, int photoHeight)
    {
        double margin = 0.2 * Math.Max(box.Width * photoWidth, box.Height * photoHeight);
        int left = Math.Max(0, (int)Math.Floor((box.Left * photoWidth) - margin)), top = Math.Max(0, (int)Math.Floor((box.Top * photoHeight) - margin));
        int right = Math.Min(photoWidth, (int)Math.Ceiling(((box.Left + box.Width) * photoWidth) + margin));
        int bottom = Math.Min(photoHeight, (int)Math.Ceiling(((box.Top + box.Height) * photoHeight) + margin));
        return (left, top, right - left, bottom - top);
    }

    /// <summary>
    /// The first matte with the crop's set into it: at a size where the crop keeps the second matte's detail (up to the
    /// photo's size), the second matte blended in over a ramp along the crop's inner edge so no seam shows.
    /// </summary>
    public static Image Combine(Image first, Image second, (int Left, int Top, int Width, int Height) crop, int photoWidth, int photoHeight)
    {
        double scale = Math.Min(1.0, Math.Max(second.Width / (double)crop.Width, second.Height / (double)crop.Height));
        int width = Math.Max(1, (int)Math.Round(photoWidth * scale)), height = Math.Max(1, (int)Math.Round(photoHeight * scale));
        int left = (int)Math.Round(crop.Left * scale), top = (int)Math.Round(crop.Top * scale);
        int cw = Math.Min(width - left, Math.Max(1, (int)Math.Round(crop.Width * scale))), ch = Math.Min(height - top, Math.Max(1, (int)Math.Round(crop.Height * scale)));
        using Image whole = Matte.ToSize(first, width, height);
        using Image piece = Matte.ToSize(second, cw, ch);
        using Image under = whole.ExtractArea(left, top, cw, ch);

        // Weight 1 inside, falling to 0 at the crop's border over a sixteenth of its smaller side.
        int ramp = Math.Max(1, Math.Min(cw, ch) / 16);
        using Image xy = Image.Xyz(cw, ch);
        using Image x = xy[0], y = xy[1];
        using Image fromLeft = x + 0.5, fromRight = (cw - 0.5) - x, fromTop = y + 0.5, fromBottom = (ch - 0.5) - y;
        using Image across = Lesser(fromLeft, fromRight), down = Lesser(fromTop, fromBottom), nearest = Lesser(across, down);
        using Image scaled = nearest / ramp;
        using Image weight = (scaled > 1.0).Ifthenelse(1.0, scaled);
        using Image blended = (piece.Cast(Enums.BandFormat.Float) * weight) + (under.Cast(Enums.BandFormat.Float) * (1.0 - weight));
        using Image bytes = blended.Round(Enums.OperationRound.Rint).Cast(Enums.BandFormat.Uchar);
        return whole.Insert(bytes, left, top);
    }

    private static Image Lesser(Image a, Image b) => (a < b).Ifthenelse(a, b);
}
