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
}

public static class OutputFormats
{
    public static string ContentType(this OutputFormat format) => format switch
    {
        OutputFormat.Png => "image/png",
        OutputFormat.WebP => "image/webp",
        OutputFormat.Jpeg => "image/jpeg",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public static string Extension(this OutputFormat format) => format switch
    {
        OutputFormat.Png => "png",
        OutputFormat.WebP => "webp",
        OutputFormat.Jpeg => "jpg",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };
}
