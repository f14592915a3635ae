namespace Darkroom.Core.Images;

/// <summary>What a probe learned from an image's header; only ever built for an image within the limits.</summary>
/// <param name="Width">Width as displayed, after EXIF orientation.</param>
/// <param name="Height">Height as displayed, after EXIF orientation.</param>
/// <param name="Orientation">EXIF orientation tag, 1 (upright) to 8.</param>
public sealed record ImageFacts(
    ImageFormat Format,
    int Width,
    int Height,
    int Orientation,
    bool HasAlpha,
    bool HasIccProfile,
    long Bytes)
{
    public double Megapixels => Width * (double)Height / 1_000_000d;

    public string ContentType => Format switch
    {
        ImageFormat.Jpeg => "image/jpeg",
        ImageFormat.Png => "image/png",
        ImageFormat.WebP => "image/webp",
        ImageFormat.Heif => "image/heif",
        ImageFormat.Avif => "image/avif",
        ImageFormat.Gif => "image/gif",
        ImageFormat.Bmp => "image/bmp",
        ImageFormat.Tiff => "image/tiff",
        _ => "application/octet-stream",
    };
}
