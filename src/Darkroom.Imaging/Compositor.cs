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
        (int width, int height) = options.Size == CutoutSize.Preview ? CutoutSizes.Preview(photo.Width, photo.Height) : (photo.Width, photo.Height);
        using Image sizedPhoto = width == photo.Width && height == photo.Height ? photo.Copy() : Matte.ToSize(photo, width, height);
        using Image sizedMatte = width == matte.Width && height == matte.Height ? matte.Copy() : Matte.ToSize(matte, width, height);
        using Image rgb = sizedPhoto.HasAlpha() ? sizedPhoto.ExtractBand(0, n: 3) : sizedPhoto.Copy();
        using Image alpha = sizedPhoto.HasAlpha()
            ? CombineAlpha(sizedMatte, sizedPhoto)
            : sizedMatte.Copy();

        using Image? shadow = options.Shadow && !options.MatteOnly ? ContactShadow.Mask(alpha) : null;
        Image result;
        if (options.MatteOnly)
        {
            result = alpha.Copy(interpretation: Enums.Interpretation.Bw);
        }
        else
        {
            using Image joined = rgb.Bandjoin(alpha);
            using Image bare = joined.Copy(interpretation: Enums.Interpretation.Srgb);
            using Image cutout = shadow is null ? bare.Copy() : ContactShadow.Under(bare, shadow);
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
            using Image keep = shadow is null ? alpha.Copy() : ContactShadow.Union(alpha, shadow);
            result = ImageDecoder.Replace(result, CropToSubject(result, keep, options.CropMargin));
        }

        if (options.Watermark is { } mark)
        {
            result = ImageDecoder.Replace(result, Overlay.Apply(result, mark));
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
