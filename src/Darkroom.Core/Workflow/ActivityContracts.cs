using Darkroom.Core.Accounts;
using Darkroom.Core.Errors;
using Darkroom.Core.Images;
using Darkroom.Core.Jobs;
using Darkroom.Core.Options;

namespace Darkroom.Core.Workflow;

// The records activities exchange: blob names and small facts, never image bytes.

/// <summary>A stage's result, which knows how long its activity ran.</summary>
public interface ITimedResult
{
    long ElapsedMs { get; }
}

/// <summary>Shows the job's stage, progress and timings so far; answers whether the job should go on.</summary>
public sealed record ProgressRequest(string JobId, string Tenant, string Stage, int Percent, IReadOnlyList<StageTiming> Timings);

/// <summary><paramref name="Proceed"/> is false when the job was deleted or canceled.</summary>
public sealed record ProgressResult(bool Proceed);

public sealed record ValidateRequest(string JobId, string Tenant, string SourceBlob, string? BackgroundBlob);

public sealed record ValidateResult(ImageFacts Facts, long ElapsedMs) : ITimedResult;

/// <summary>Decide a cut-out's subject type and route.</summary>
public sealed record SubjectRequest(string JobId, string Tenant, string SourceBlob, SubjectType Requested);

/// <summary>The subject's type, how sure, and the route it takes (<see cref="CutoutSubject"/>).</summary>
public sealed record SubjectResult(CutoutSubject Subject, long ElapsedMs) : ITimedResult;

/// <param name="Subject">The classify stage's decision: the route, and for a key the border colour.</param>
/// <param name="Preview">The result is a preview (about 0.25 MP): no second pass on a small subject's crop, whose detail it would not show.</param>
public sealed record SegmentRequest(string JobId, string Tenant, string SourceBlob, string? Model, CutoutSubject? Subject = null, bool Preview = false);

/// <summary>
/// The matte (at the model's resolution; at the photo's for a key: compose scales it to the photo) and, for a key,
/// the subject's own colour at its edges.
/// </summary>
public sealed record SegmentResult(string MatteBlob, string Model, string ExecutionProvider, long ElapsedMs, string? ForegroundBlob = null, string? SecondPass = null) : ITimedResult;

public sealed record ComposeRequest(
    string JobId,
    string Tenant,
    string SourceBlob,
    string MatteBlob,
    string? BackgroundBlob,
    RemoveBackgroundOptions Options,
    string? ForegroundBlob = null,
    CutoutSubject? Subject = null);

public sealed record ComposeResult(JobResult Result, long ElapsedMs) : ITimedResult;

/// <param name="OutboxBlob">Where a blob-drop job's result is also written, or null.</param>
public sealed record MaskRequest(string JobId, string Tenant, string SourceBlob, string? UploadedMaskBlob, RemoveWatermarkOptions Options);

/// <summary>The mask at the photo's size (PNG, white = fill), how much it covers and how many text regions were found.</summary>
public sealed record MaskResult(string MaskBlob, double Coverage, int TextRegions, long ElapsedMs) : ITimedResult;

public sealed record InpaintRequest(string JobId, string Tenant, string SourceBlob, string MaskBlob, RemoveWatermarkOptions Options);

/// <param name="Classification">A classify job's answer, stored on the record.</param>
/// <param name="DropSource">Delete the uploaded photo (classify jobs that did not ask to keep it).</param>
public sealed record PersistRequest(
    string JobId,
    string Tenant,
    JobResult Result,
    ImageFacts Input,
    IReadOnlyList<StageTiming> Timings,
    string? OutboxBlob,
    Classification.ClassificationResult? Classification = null,
    bool DropSource = false);

/// <param name="Facts">What validate found, so the photo is not probed twice.</param>
public sealed record ClassifyRequest(string JobId, string Tenant, string SourceBlob, ImageFacts Facts);

/// <summary>The answer, written as JSON to the job's result blob; <paramref name="Cached"/> when no classifier ran.</summary>
public sealed record ClassifyResult(Classification.ClassificationResult Classification, bool Cached, JobResult Result, long ElapsedMs) : ITimedResult;

public sealed record PersistResult(long ElapsedMs) : ITimedResult;

public sealed record FailRequest(string JobId, string Tenant, JobError Error, IReadOnlyList<StageTiming> Timings);

public sealed record FailResult(long ElapsedMs);

/// <summary>Settles the job's reservation: <c>commit</c> when it completed, <c>release</c> when it failed or was canceled.</summary>
public sealed record SettleRequest(string JobId, string Tenant, Charge Charge, string Kind);

/// <summary><paramref name="Applied"/> is false when the reservation was already settled (a replay).</summary>
public sealed record SettleResult(bool Applied, long ElapsedMs);

/// <summary>Delivers the job's final record to its callback URL, signed with the submitting key's webhook secret.</summary>
public sealed record NotifyRequest(string JobId, string Tenant, string CallbackUrl, string? KeyHash);

public sealed record NotifyResult(bool Delivered, int Attempts);

/// <summary>What the workflow returns: the job's final state.</summary>
public sealed record JobOutcome(JobStatus Status, JobResult? Result, JobError? Error, IReadOnlyList<StageTiming> Timings)
{
    /// <summary>A classify job's answer, and whether it came from the cache.</summary>
    public ClassifyResult? Classification { get; init; }
}
