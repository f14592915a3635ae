using Darkroom.Core.Accounts;
using Darkroom.Core.Errors;
using Darkroom.Core.Images;
using Darkroom.Core.Options;

namespace Darkroom.Core.Jobs;

/// <summary>A job as stored in the Jobs table: what was asked, where it is, and what came of it.</summary>
public sealed record JobRecord
{
    public required string Tenant { get; init; }

    public required string JobId { get; init; }

    public required JobOperation Operation { get; init; }

    public required JobStatus Status { get; init; }

    public string Stage { get; init; } = JobStage.Queued;

    public int Percent { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    public required string SourceBlob { get; init; }

    public string? BackgroundBlob { get; init; }

    public string? FileName { get; init; }

    /// <summary>An uploaded inpainting mask, for remove-watermark.</summary>
    public string? MaskBlob { get; init; }

    /// <summary>For blob-drop jobs: where the result is also written (<c>outbox/{operation}/{path}</c>).</summary>
    public string? OutboxBlob { get; init; }

    /// <summary>The batch this job belongs to, if any.</summary>
    public string? BatchId { get; init; }

    public ImageFacts? Input { get; init; }

    public required JobOptions Options { get; init; }

    public IReadOnlyList<StageTiming> Timings { get; init; } = [];

    public JobResult? Result { get; init; }

    public JobError? Error { get; init; }

    /// <summary>How many times a worker picked the job up; above 1 means it resumed after an interruption.</summary>
    public int Runs { get; init; }

    /// <summary>SHA-256 over the request's image and options, to tell a replayed Idempotency-Key from a reused one.</summary>
    public string? RequestHash { get; init; }

    /// <summary>Set by the retention sweeper once the finished job's checkpoints are gone.</summary>
    public bool CheckpointsSwept { get; init; }

    /// <summary>Set by the retention sweeper once the finished job's original uploads are gone (results stay).</summary>
    public bool OriginalsSwept { get; init; }

    /// <summary>SHA-256 of the Idempotency-Key the job was accepted under, so deleting the job releases the key.</summary>
    public string? IdempotencyKeyHash { get; init; }

    /// <summary>The credits the job holds (reserved when accepted, committed or released when it ends); null when it costs nothing.</summary>
    public Charge? Charge { get; init; }

    /// <summary>SHA-256 of the API key that submitted the job (its webhook secret signs callbacks); null for blob drops.</summary>
    public string? KeyHash { get; init; }

    /// <summary>A classify job's answer.</summary>
    public Classification.ClassificationResult? Classification { get; init; }

    /// <summary>The job's callback and every delivery attempt, when it has one.</summary>
    public WebhookState? Webhook { get; init; }

    public JobInput ToInput() => new(JobId, Tenant, Operation, SourceBlob, BackgroundBlob, Options, OutboxBlob, MaskBlob, Charge, Webhook?.Url, KeyHash);
}
