using System.Text.Json.Serialization;
using Darkroom.Core.Errors;

namespace Darkroom.Core.Options;

/// <summary>A visible text mark that compose lays over a cut-out (a shop's name on its product shots, say).</summary>
public sealed record OverlayMark
{
    public const int MaxTextLength = 100;

    /// <summary>The mark's text (required), one line.</summary>
    public string Text { get; init; } = "";

    public OverlayPosition Position { get; init; } = OverlayPosition.BottomRight;

    /// <summary>0.05 to 1.</summary>
    public double Opacity { get; init; } = 0.5;

    /// <summary>The mark's width as a share of the result's width, 0.05 to 1.</summary>
    public double Scale { get; init; } = 0.3;

    /// <summary>The text's colour, <c>#rrggbb</c>.</summary>
    public string Colour { get; init; } = "#ffffff";

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Text) || Text.Length > MaxTextLength || Text.Any(char.IsControl))
        {
            throw Problems.InvalidOptions($"watermark.text must be one line of 1 to {MaxTextLength} characters.");
        }

        if (Opacity is < 0.05 or > 1 || double.IsNaN(Opacity))
        {
            throw Problems.InvalidOptions("watermark.opacity must be between 0.05 and 1.");
        }

        if (Scale is < 0.05 or > 1 || double.IsNaN(Scale))
        {
            throw Problems.InvalidOptions("watermark.scale must be between 0.05 and 1.");
        }

        if (!RemoveBackgroundOptions.TryParseColour(Colour, out _))
        {
            throw Problems.InvalidOptions($"watermark.colour '{Colour}' is not a colour of the form #rrggbb.");
        }
    }
}

/// <summary>Where an overlay mark sits; <c>tiled</c> repeats it across the whole result.</summary>
[JsonConverter(typeof(StrictEnumConverter<OverlayPosition>))]
public enum OverlayPosition
{
    [JsonStringEnumMemberName("bottom-right")]
    BottomRight,

    [JsonStringEnumMemberName("bottom-left")]
    BottomLeft,

    [JsonStringEnumMemberName("top-right")]
    TopRight,

    [JsonStringEnumMemberName("top-left")]
    TopLeft,

    [JsonStringEnumMemberName("centre")]
    Centre,

    [JsonStringEnumMemberName("tiled")]
    Tiled,
}
