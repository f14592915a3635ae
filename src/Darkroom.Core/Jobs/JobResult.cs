namespace Darkroom.Core.Jobs;

/// <summary>
/// The artifact a finished job produced; for watermark removal, what was done in each region of the mask; for a
/// cut-out, the model that made the matte, the execution provider it actually ran on (<c>cpu</c>, <c>cuda</c>) and
/// whether the model ran a second time on a crop (<see cref="SecondPasses"/>).
/// </summary>
public sealed record JobResult(
    string Blob, string ContentType, long Bytes, int Width, int Height, IReadOnlyList<WatermarkRegion>? Regions = null, CutoutSubject? Subject = null, ForegroundBox? Foreground = null,
    string? Model = null, string? ExecutionProvider = null, string? SecondPass = null);

/// <summary>The segment stage's second model passes, as a cut-out's result names them.</summary>
public static class SecondPasses
{
    /// <summary>The subject the model chose first was out of focus: the model ran again on the sharp region's crop, and only that is kept.</summary>
    public const string Focus = "focus";

    /// <summary>The subject was small in a large photo: the model ran again on its crop, set into the first matte.</summary>
    public const string Crop = "crop";
}

/// <summary>A cut-out's subject: the box (in the input photo's pixels) of everything its alpha keeps.</summary>
public sealed record ForegroundBox(int Left, int Top, int Width, int Height);

/// <summary>
/// What a cut-out's classify stage decided: the subject <see cref="Type"/> (as asked, or found by <c>auto</c>), how
/// sure it is (1 when asked), the <see cref="Route"/> taken (<c>key</c>: the background colour keyed out, no model;
/// <c>model</c>: the segmentation model), why, and for a key the background colour.
/// </summary>
public sealed record CutoutSubject(Options.SubjectType Type, double Confidence, string Route, string Reason, IReadOnlyList<int>? KeyColour = null, double KeyNoise = 0)
{
    public const string Key = "key";

    public const string Model = "model";
}

/// <summary>
/// One region of a watermark mask (a group of marked pixels) and what was done there: <c>deblended</c> (the photo
/// recovered by inverting the blend, with the mark's estimated opacity and colour), <c>filled</c> (painted over),
/// or <c>untouched</c> (nothing of a mark found under the mask). The pixel counts say how the region's masked pixels
/// split between the three.
/// </summary>
public sealed record WatermarkRegion(
    int Left, int Top, int Width, int Height, string Action, double? Opacity, IReadOnlyList<int>? Colour, int Recovered, int Filled, int Untouched)
{
    public const string Deblended = "deblended";

    public const string FilledAction = "filled";

    public const string UntouchedAction = "untouched";

    /// <summary>The most regions a result lists: the largest ones.</summary>
    public const int MaxListed = 20;
}
