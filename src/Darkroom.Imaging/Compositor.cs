using Darkroom.Core.Options;
using NetVips;

namespace Darkroom.Imaging;

/// <summary>Builds a remove-background result from the upright photo and its full-resolution matte.</summary>
public static class Compositor
{
    /// <summary>Alpha at or below this (of 255) counts as background when finding the subject's box.</summary>
    public const double SubjectThreshold = 24;

    /// <param name="photo">Upright sRGB uchar, three or four bands.</param>
    /// <param name="matte">One band uchar, the photo's size.</param>
    /// <param name="background">An upright sRGB background image, scaled to cover the photo; or null.</param>
    public static Image Compose(Image photo, Image matte, RemoveBackgroundOptions options, Image? background)
    {
        using Image rgb = photo.HasAlpha() ? photo.ExtractBand(0, n: 3) : photo.Copy();
        using Image alpha = photo.HasAlpha()
            ? CombineAlpha(matte, photo)
            : matte.Copy();

        Image result;
        if (options.Output == CutoutKind.Mask)
        {
            result = alpha.Copy(interpretation: Enums.Interpretation.Bw);
        }
        else
        {
            using Image cutout = rgb.Bandjoin(alpha).Copy(interpretation: Enums.Interpretation.Srgb);
            if (options.Background is not null && RemoveBackgroundOptions.TryParseColour(options.Background, out (byte R, byte G, byte B) colour))
            {
                result = cutout.Flatten(background: [colour.R, colour.G, colour.B]);
            }
            else if (background is not null)
            {
                result = OntoImage(cutout, background);
            }
            else
            {
                result = cutout.Copy();
            }
        }

        if (options.Crop)
        {
            result = ImageDecoder.Replace(result, CropToSubject(result, alpha, options.CropMargin));
        }

        return result;
    }

    /// <summary>The subject's bounding box in the matte, or null when the matte is empty.</summary>
    public static (int Left, int Top, int Width, int Height)? SubjectBox(Image alpha)
    {
        object[] found = alpha.FindTrim(threshold: SubjectThreshold, background: [0]);
        int left = (int)found[0], top = (int)found[1], width = (int)found[2], height = (int)found[3];
        return width <= 0 || height <= 0 ? null : (left, top, width, height);
    }

    private static Image CombineAlpha(Image matte, Image photo)
    {
        using Image sourceAlpha = photo.ExtractBand(photo.Bands - 1);
        using Image product = matte.Multiply(sourceAlpha);
        using Image scaled = product.Linear([1.0 / 255], [0.0]);
        return scaled.Cast(Enums.BandFormat.Uchar);
    }

    private static Image OntoImage(Image cutout, Image background)
    {
        using Image cover = background.ThumbnailImage(cutout.Width, height: cutout.Height, crop: Enums.Interesting.Centre);
        using Image opaque = cover.HasAlpha() ? cover.Flatten(background: [255, 255, 255]) : cover.Copy(interpretation: Enums.Interpretation.Srgb);
        using Image composed = opaque.Composite2(cutout, Enums.BlendMode.Over, compositingSpace: Enums.Interpretation.Srgb);
        using Image flat = composed.Bands > 3 ? composed.ExtractBand(0, n: 3) : composed.Copy();
        return flat.Cast(Enums.BandFormat.Uchar);
    }

    private static Image CropToSubject(Image result, Image alpha, int margin)
    {
        if (SubjectBox(alpha) is not { } box)
        {
            return result.Copy();
        }

        (int left, int top, int width, int height) = Regions.Grow(box, margin, result.Width, result.Height);
        return result.ExtractArea(left, top, width, height);
    }
}
