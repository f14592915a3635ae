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
        if (Output == CutoutKind.Mask && opaque)
        {
            throw Problems.InvalidOptions("output 'mask' takes no background.");
        }

        if (Format == OutputFormat.Jpeg && Output == CutoutKind.Cutout && !opaque)
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
