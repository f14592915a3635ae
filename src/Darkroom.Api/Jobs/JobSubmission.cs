using Darkroom.Core.Jobs;

namespace Darkroom.Api.Jobs;

/// <summary>A parsed request to start a job: the bytes as uploaded, the options as sent.</summary>
public sealed record JobSubmission(
    string Tenant,
    JobOperation Operation,
    byte[] Image,
    string? FileName,
    byte[]? Background,
    string? OptionsJson,
    string? IdempotencyKey,
    byte[]? Mask = null);

/// <summary>The job that a submission started, or the earlier one its Idempotency-Key points at.</summary>
public sealed record SubmitOutcome(JobRecord Job, bool Created);
