using Darkroom.Core.Errors;
using NetVips;

namespace Darkroom.Imaging;

/// <summary>Decodes uploads into upright 8-bit sRGB, honouring EXIF orientation and embedded colour profiles.</summary>
public static class ImageDecoder
{
    /// <summary>Load options that make a truncated or corrupt file an error instead of a grey tail; thumbnail's own fail_on argument does not reach the loader.</summary>
    internal const string FailOnTruncated = "[fail_on=truncated]";

    /// <summary>The full-resolution image, upright, sRGB, uchar; alpha kept when the source has it.</summary>
    public static Image DecodeUpright(byte[] bytes, string what = "image")
    {
        Image? image = null;
        try
        {
            image = Image.NewFromBuffer(bytes, failOn: Enums.FailOn.Truncated);
            image = Replace(image, image.Autorot());
            return ToSrgb(image);
        }
        catch (VipsException ex)
        {
            image?.Dispose();
            throw Problems.Corrupt(what, Regions.FirstLine(ex.Message));
        }
    }

    /// <summary>
    /// The image squeezed to exactly <paramref name="width"/>x<paramref name="height"/> (aspect not kept, as
    /// segmentation models are trained), upright, sRGB, three bands; shrink-on-load keeps this cheap for big JPEGs.
    /// Transparent areas are flattened onto white.
    /// </summary>
    public static Image DecodeForModel(byte[] bytes, int width, int height, string what = "image")
    {
        Image? image = null;
        try
        {
            image = Image.ThumbnailBuffer(bytes, width, FailOnTruncated, height: height, size: Enums.Size.Force, outputProfile: "srgb");
            image = ToSrgb(image);
            if (image.HasAlpha())
            {
                image = Replace(image, image.Flatten(background: [255, 255, 255]));
            }

            if (image.Format != Enums.BandFormat.Uchar)
            {
                image = Replace(image, image.Cast(Enums.BandFormat.Uchar));
            }

            return image;
        }
        catch (VipsException ex)
        {
            image?.Dispose();
            throw Problems.Corrupt(what, Regions.FirstLine(ex.Message));
        }
    }

    private static Image ToSrgb(Image image)
    {
        if (image.Contains("icc-profile-data"))
        {
            image = Replace(image, image.IccTransform("srgb", embedded: true, intent: Enums.Intent.Perceptual));
        }
        else if (image.Interpretation != Enums.Interpretation.Srgb)
        {
            image = Replace(image, image.Colourspace(Enums.Interpretation.Srgb));
        }

        if (image.Format != Enums.BandFormat.Uchar)
        {
            image = Replace(image, image.Cast(Enums.BandFormat.Uchar));
        }

        return image;
    }

    /// <summary>Disposes the old handle once the new image (which references it inside libvips) exists.</summary>
    internal static Image Replace(Image old, Image replacement)
    {
        if (!ReferenceEquals(old, replacement))
        {
            old.Dispose();
        }

        return replacement;
    }
}
