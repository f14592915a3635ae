using System.Globalization;
using Darkroom.Core.Errors;
using Darkroom.Core.Images;

namespace Darkroom.Core.Options;

/// <summary>Options of a remove-background job, as the caller sends them in <c>options</c>.</summary>
public sealed record RemoveBackgroundOptions
{
    public const int MaxCropMargin = 1000;

    public CutoutKind Output { get; init; } = CutoutKind.Cutout;

    public OutputFormat Format { get; init; } = OutputFormat.Png;

    /// <summary>A background colour as <c>#rrggbb</c>; with it the result is opaque.</summary>
    public string? Background { get; init; }

    /// <summary>Crop the result to the subject's bounding box.</summary>
    public bool Crop { get; init; }

    /// <summary>Pixels kept around the subject when cropping.</summary>
    public int CropMargin { get; init; }

    /// <summary>The subject's type; <c>auto</c> lets the classify stage decide (see <see cref="SubjectType"/>).</summary>
    public SubjectType Type { get; init; } = SubjectType.Auto;

    /// <summary>Catalog id of the segmentation model; null means the configured default.</summary>
    public string? Model { get; init; }

    /// <summary>Quality of lossy encodes (WebP, JPEG), 1 to 100.</summary>
    public int Quality { get; init; } = 90;

    /// <summary><c>full</c> (or <c>auto</c>) keeps the photo's size; <c>preview</c> answers at most a quarter megapixel.</summary>
    public CutoutSize Size { get; init; } = CutoutSize.Full;

    /// <summary><c>alpha</c> answers the matte alone, as <c>output: mask</c> does.</summary>
    public CutoutChannels Channels { get; init; } = CutoutChannels.Rgba;

    /// <summary>A soft contact shadow under the subject (for products standing on something).</summary>
    public bool Shadow { get; init; }

    /// <summary>A text mark laid over the result; null for none.</summary>
    public OverlayMark? Watermark { get; init; }

    /// <summary>Whether the result is the matte alone (<c>output: mask</c> or <c>channels: alpha</c>).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool MatteOnly => Output == CutoutKind.Mask || Channels == CutoutChannels.Alpha;

    /// <summary>Checks the combination; <paramref name="hasBackgroundImage"/> says whether a background image was uploaded.</summary>
    public void Validate(bool hasBackgroundImage)
    {
        if (Background is not null && !TryParseColour(Background, out _))
        {
            throw Problems.InvalidOptions($"background '{Background}' is not a colour of the form #rrggbb.");
        }

        if (Background is not null && hasBackgroundImage)
        {
            throw Problems.InvalidOptions("Give either a background colour or a background image, not both.");
        }

        bool opaque = Background is not null || hasBackgroundImage;
        if (MatteOnly && opaque)
        {
            throw Problems.InvalidOptions("output 'mask' (or channels 'alpha') takes no background.");
        }

        if (MatteOnly && (Shadow || Watermark is not null))
        {
            throw Problems.InvalidOptions("shadow and watermark go on a cut-out, not on the matte alone (output 'mask' or channels 'alpha').");
        }

        Watermark?.Validate();

        if (Format == OutputFormat.Jpeg && !MatteOnly && !opaque)
        {
            throw Problems.InvalidOptions("JPEG has no transparency: ask for png or webp, or give a background colour or image.");
        }

        if (CropMargin is < 0 or > MaxCropMargin)
        {
            throw Problems.InvalidOptions($"cropMargin must be between 0 and {MaxCropMargin} pixels.");
        }

        if (Quality is < 1 or > 100)
        {
            throw Problems.InvalidOptions("quality must be between 1 and 100.");
        }
    }

    /// <summary>Parses <c>#rrggbb</c> into its three channels.</summary>
    public static bool TryParseColour(string text, out (byte R, byte G, byte B) colour)
    {
        colour = default;
        if (text.Length != 7 || text[0] != '#'
            || !int.TryParse(text.AsSpan(1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int rgb))
        {
            return false;
        }

        colour = ((byte)(rgb >> 16), (byte)(rgb >> 8), (byte)rgb);
        return true;
    }
}
