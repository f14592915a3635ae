using System.Text.Json.Serialization;

namespace Darkroom.Core.Options;

/// <summary>What a remove-background job returns.</summary>
[JsonConverter(typeof(Darkroom.Core.Options.StrictEnumConverter<CutoutKind>))]
public enum CutoutKind
{
    /// <summary>The subject with a soft alpha matte, the background transparent; or on a background when one is given.</summary>
    [JsonStringEnumMemberName("cutout")]
    Cutout,

    /// <summary>The matte alone, as an 8-bit greyscale image (white = subject).</summary>
    [JsonStringEnumMemberName("mask")]
    Mask,
}
