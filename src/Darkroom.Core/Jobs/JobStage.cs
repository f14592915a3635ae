namespace Darkroom.Core.Jobs;

/// <summary>Names of the stages a job moves through; shown to callers as the job's <c>stage</c>.</summary>
public static class JobStage
{
    public const string Queued = "queued";
    public const string Validate = "validate";
    public const string Subject = "subject";
    public const string Segment = "segment";
    public const string Compose = "compose";
    public const string Mask = "mask";
    public const string Inpaint = "inpaint";
    public const string Classify = "classify";
    public const string Persist = "persist";
    public const string Done = "done";
}
