using System.Text.Json.Serialization;

namespace Darkroom.Core.Options;

/// <summary>How large a cut-out comes back: the photo's own size, or a quick preview of about a quarter megapixel.</summary>
[JsonConverter(typeof(StrictEnumConverter<CutoutSize>))]
public enum CutoutSize
{
    /// <summary>The photo's own size (remove.bg's <c>auto</c>).</summary>
    [JsonStringEnumMemberName("full")]
    Full,

    /// <summary>Scaled down to at most <see cref="CutoutSizes.PreviewPixels"/> pixels before compose: fast and small.</summary>
    [JsonStringEnumMemberName("preview")]
    Preview,

    /// <summary>The same as <see cref="Full"/>; accepted because remove.bg clients send it.</summary>
    [JsonStringEnumMemberName("auto")]
    Auto,
}

/// <summary>Which channels a cut-out carries.</summary>
[JsonConverter(typeof(StrictEnumConverter<CutoutChannels>))]
public enum CutoutChannels
{
    /// <summary>Colour and alpha (or colour on the background when one is given).</summary>
    [JsonStringEnumMemberName("rgba")]
    Rgba,

    /// <summary>The alpha matte alone, as greyscale; the same as <c>output: mask</c>.</summary>
    [JsonStringEnumMemberName("alpha")]
    Alpha,
}

public static class CutoutSizes
{
    /// <summary>A preview holds at most this many pixels (remove.bg's 0.25 megapixels).</summary>
    public const long PreviewPixels = 250_000;

    /// <summary>The size a preview of a <paramref name="width"/> × <paramref name="height"/> photo has (unchanged when already small).</summary>
    public static (int Width, int Height) Preview(int width, int height)
    {
        long pixels = (long)width * height;
        if (pixels <= PreviewPixels)
        {
            return (width, height);
        }

        double scale = Math.Sqrt((double)PreviewPixels / pixels);
        return (Math.Max(1, (int)Math.Floor(width * scale)), Math.Max(1, (int)Math.Floor(height * scale)));
    }
}
