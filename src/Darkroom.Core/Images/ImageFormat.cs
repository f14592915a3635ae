using System.Text.Json.Serialization;

namespace Darkroom.Core.Images;

/// <summary>Formats Darkroom reads, as sniffed from the bytes.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ImageFormat>))]
public enum ImageFormat
{
    Jpeg,
    Png,
    WebP,
    Heif,
    Avif,
    Gif,
    Bmp,
    Tiff,
}
