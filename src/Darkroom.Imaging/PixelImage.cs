using NetVips;

namespace Darkroom.Imaging;

/// <summary>libvips images over managed pixel arrays.</summary>
public static class PixelImage
{
    /// <summary>
    /// A uchar image over <paramref name="pixels"/> tagged with an interpretation. libvips reads the array in place
    /// (pinned until the last image made from it is closed); the untagged wrapper is closed here rather than left to the
    /// finalizer, which kept 12 MP arrays pinned across jobs (24 of them, 576 MB, after 45 cut-outs in a row).
    /// </summary>
    public static Image Wrap(byte[] pixels, int width, int height, int bands, Enums.Interpretation interpretation)
    {
        using Image raw = Image.NewFromMemory(pixels, width, height, bands, Enums.BandFormat.Uchar);
        return raw.Copy(interpretation: interpretation);
    }

    /// <summary>
    /// The image's pixels (uchar) rendered straight into a new managed array. <c>WriteToMemory</c> renders into a buffer
    /// of libvips' own and copies that: for a 12 MP photo 36 MB more at once, all of it fresh pages, then a copy.
    /// </summary>
    public static byte[] Read(Image image)
    {
        using Image bytes = image.Cast(Enums.BandFormat.Uchar);
        byte[] pixels = new byte[(long)bytes.Width * bytes.Height * bytes.Bands];
        using (Image target = Image.NewFromMemory(pixels, bytes.Width, bytes.Height, bytes.Bands, Enums.BandFormat.Uchar))
        {
            bytes.Write(target);
        }

        return pixels;
    }
}
