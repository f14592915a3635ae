using System.Text.Json.Serialization;

namespace Darkroom.Core.Images;

/// <summary>Formats a result can be written in.</summary>
[JsonConverter(typeof(Darkroom.Core.Options.StrictEnumConverter<OutputFormat>))]
public enum OutputFormat
{
    [JsonStringEnumMemberName("png")]
    Png,

    [JsonStringEnumMemberName("webp")]
    WebP,

    [JsonStringEnumMemberName("jpeg")]
    Jpeg,

    /// <summary>AV1 in HEIF (AVIF): alpha kept, about half WebP's size at the same quality.</summary>
    [JsonStringEnumMemberName("avif")]
    Avif,
}

public static class OutputFormats
{
    public static string ContentType(this OutputFormat format) => format switch
    {
        OutputFormat.Png => "image/png",
        OutputFormat.WebP => "image/webp",
        OutputFormat.Jpeg => "image/jpeg",
        OutputFormat.Avif => "image/avif",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public static string Extension(this OutputFormat format) => format switch
    {
        OutputFormat.Png => "png",
        OutputFormat.WebP => "webp",
        OutputFormat.Jpeg => "jpg",
        OutputFormat.Avif => "avif",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };
}
