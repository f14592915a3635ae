using System.Text.Json.Serialization;
using Darkroom.Core.Errors;
using Darkroom.Core.Images;

namespace Darkroom.Core.Options;

/// <summary>Options of a remove-watermark job.</summary>
public sealed record RemoveWatermarkOptions
{
    public const int MaxDilate = 64;

    /// <summary>How the mask is found when none is uploaded.</summary>
    public MaskMode MaskMode { get; init; } = MaskMode.Auto;

    /// <summary>Pixels the mask grows by before inpainting, to cover anti-aliased edges and shadows.</summary>
    public int Dilate { get; init; } = 2;

    public InpaintModel Model { get; init; } = InpaintModel.Auto;

    /// <summary><c>auto</c> (recover the photo under a semi-transparent mark, fill what cannot be recovered), <c>deblend</c> (the same, failing over to the fill), <c>fill</c> (paint over the mask).</summary>
    public RemovalMethod Method { get; init; } = RemovalMethod.Auto;

    public HdStrategy HdStrategy { get; init; } = HdStrategy.Crop;

    /// <summary><c>image</c> (the cleaned photo) or <c>mask</c> (the mask used, for inspection).</summary>
    public WatermarkOutput Output { get; init; } = WatermarkOutput.Image;

    public OutputFormat Format { get; init; } = OutputFormat.Png;

    public int Quality { get; init; } = 92;

    public void Validate()
    {
        if (Dilate is < 0 or > MaxDilate)
        {
            throw Problems.InvalidOptions($"dilate must be between 0 and {MaxDilate} pixels.");
        }

        if (Quality is < 1 or > 100)
        {
            throw Problems.InvalidOptions("quality must be between 1 and 100.");
        }
    }
}

[JsonConverter(typeof(StrictEnumConverter<RemovalMethod>))]
public enum RemovalMethod
{
    [JsonStringEnumMemberName("auto")]
    Auto,

    [JsonStringEnumMemberName("deblend")]
    Deblend,

    [JsonStringEnumMemberName("fill")]
    Fill,
}

[JsonConverter(typeof(Darkroom.Core.Options.StrictEnumConverter<MaskMode>))]
public enum MaskMode
{
    /// <summary>Watermark-like text: near edges and corners, low contrast, or repeated.</summary>
    [JsonStringEnumMemberName("auto")]
    Auto,

    /// <summary>Every piece of text the detector finds.</summary>
    [JsonStringEnumMemberName("text")]
    Text,
}

[JsonConverter(typeof(Darkroom.Core.Options.StrictEnumConverter<InpaintModel>))]
public enum InpaintModel
{
    /// <summary>LaMa when its model is installed, Telea otherwise.</summary>
    [JsonStringEnumMemberName("auto")]
    Auto,

    [JsonStringEnumMemberName("lama")]
    Lama,

    /// <summary>Telea's fast marching method alone: smooth, no texture.</summary>
    [JsonStringEnumMemberName("telea")]
    Telea,

    /// <summary>
    /// The exemplar (PatchMatch) fill, which copies texture from the photo: best on regular texture (fabric, foliage,
    /// fur, brick) where Telea smears; on the watermark benchmark it scores below Telea, so it is not the default.
    /// </summary>
    [JsonStringEnumMemberName("exemplar")]
    Exemplar,
}

/// <summary>How a large photo meets a fixed-size model (the three IOPaint offers).</summary>
[JsonConverter(typeof(Darkroom.Core.Options.StrictEnumConverter<HdStrategy>))]
public enum HdStrategy
{
    /// <summary>Inpaint a crop around the mask with a margin, at full resolution.</summary>
    [JsonStringEnumMemberName("crop")]
    Crop,

    /// <summary>Inpaint the whole photo scaled down, paste back only the masked pixels.</summary>
    [JsonStringEnumMemberName("resize")]
    Resize,

    /// <summary>Inpaint the whole photo at its own size.</summary>
    [JsonStringEnumMemberName("original")]
    Original,
}

[JsonConverter(typeof(Darkroom.Core.Options.StrictEnumConverter<WatermarkOutput>))]
public enum WatermarkOutput
{
    [JsonStringEnumMemberName("image")]
    Image,

    [JsonStringEnumMemberName("mask")]
    Mask,
}
