using System.ComponentModel.DataAnnotations;
using Darkroom.Core.Images;

namespace Darkroom.Imaging;

/// <summary>Limits on what Darkroom accepts, bound from <c>Darkroom:Imaging</c>.</summary>
public sealed class ImagingOptions
{
    public const string Section = "Darkroom:Imaging";

    /// <summary>Largest upload in bytes (default 25 MB).</summary>
    [Range(1, 1L << 32)]
    public long MaxUploadBytes { get; set; } = 25L * 1024 * 1024;

    /// <summary>Largest image in megapixels (default 50).</summary>
    [Range(0.01, 1000)]
    public double MaxMegapixels { get; set; } = 50;

    /// <summary>Longest side in pixels; past it an image is refused even if its area fits.</summary>
    [Range(16, 1_000_000)]
    public int MaxDimension { get; set; } = 30_000;

    public ImageFormat[] AllowedFormats { get; set; } =
    [
        ImageFormat.Jpeg, ImageFormat.Png, ImageFormat.WebP, ImageFormat.Heif, ImageFormat.Avif,
        ImageFormat.Gif, ImageFormat.Tiff,
    ];

    /// <summary>PNG zlib level for results: 1 is fast, 9 is small.</summary>
    [Range(0, 9)]
    public int PngCompression { get; set; } = 4;

    /// <summary>
    /// Refine the model's matte at the output's resolution (<see cref="MatteRefiner"/>); off, the matte is only
    /// scaled up, as the model made it.
    /// </summary>
    public bool RefineEdges { get; set; } = true;
}
