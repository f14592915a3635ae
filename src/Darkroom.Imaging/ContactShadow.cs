using NetVips;

namespace Darkroom.Imaging;

/// <summary>
/// A soft contact shadow for a subject standing on something: a blurred ellipse under the subject's base, as wide
/// as its foot (the bottom tenth of its matte) and a few percent of its height tall.
/// </summary>
public static class ContactShadow
{
    /// <summary>The shadow's darkest opacity, at the centre of the footprint.</summary>
    public const double Opacity = 0.5;

    /// <summary>The shadow's own alpha (one band uchar, the matte's size); all zero when the matte is empty.</summary>
    public static Image Mask(Image alpha)
    {
        if (Compositor.SubjectBox(alpha) is not { } box)
        {
            return Image.Black(alpha.Width, alpha.Height).Cast(Enums.BandFormat.Uchar);
        }

        int footHeight = Math.Max(1, box.Height / 10);
        using Image foot = alpha.ExtractArea(box.Left, box.Top + box.Height - footHeight, box.Width, footHeight);
        (int Left, int Top, int Width, int Height) footBox = Compositor.SubjectBox(foot) ?? (0, 0, box.Width, footHeight);

        double rx = Math.Max(footBox.Width * 0.55, box.Width * 0.15);
        double ry = Math.Max(box.Height * 0.035, 2);
        double cx = box.Left + footBox.Left + footBox.Width / 2.0;
        double cy = box.Top + box.Height - ry * 0.3;
        double sigma = Math.Max(1, ry * 0.6);
        int pad = (int)Math.Ceiling(sigma * 3);
        int left = (int)Math.Floor(cx - rx) - pad, top = (int)Math.Floor(cy - ry) - pad;
        int width = (int)Math.Ceiling(2 * rx) + 2 * pad + 1, height = (int)Math.Ceiling(2 * ry) + 2 * pad + 1;

        // 1 - d² over the ellipse (d its normalised radius), so the shadow is darkest under the middle and fades out.
        using Image xyz = Image.Xyz(width, height);
        using Image dx = (xyz[0] + (left - cx)) / rx;
        using Image dy = (xyz[1] + (top - cy)) / ry;
        using Image falloff = 1.0 - (dx * dx) - (dy * dy);
        using Image clamped = (falloff > 0).Ifthenelse(falloff, 0);
        using Image soft = clamped.Gaussblur(sigma, precision: Enums.Precision.Float);
        using Image scaled = (soft * (Opacity * 255)).Cast(Enums.BandFormat.Uchar);
        return scaled.Embed(left, top, alpha.Width, alpha.Height);
    }

    /// <summary>The RGBA cut-out over a black layer with the shadow's alpha; uchar RGBA, the cut-out's size.</summary>
    public static Image Under(Image cutout, Image shadowMask)
    {
        using Image black = Image.Black(cutout.Width, cutout.Height, bands: 3);
        using Image layer = black.Cast(Enums.BandFormat.Uchar).Bandjoin(shadowMask).Copy(interpretation: Enums.Interpretation.Srgb);
        using Image composed = layer.Composite2(cutout, Enums.BlendMode.Over, compositingSpace: Enums.Interpretation.Srgb);
        return composed.Cast(Enums.BandFormat.Uchar);
    }

    /// <summary>The larger of the subject's alpha and its shadow's, per pixel (what a crop must keep).</summary>
    public static Image Union(Image alpha, Image shadowMask)
    {
        using Image larger = alpha > shadowMask;
        return larger.Ifthenelse(alpha, shadowMask);
    }
}
