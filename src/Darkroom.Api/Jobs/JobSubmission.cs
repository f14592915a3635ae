using Darkroom.Core.Accounts;
using Darkroom.Core.Jobs;

namespace Darkroom.Api.Jobs;

/// <summary>A parsed request to start a job: the bytes as uploaded, the options as sent.</summary>
/// <param name="CallbackUrl">The job's webhook; null takes the key's default, if any.</param>
public sealed record JobSubmission(
    Account Account,
    JobOperation Operation,
    byte[] Image,
    string? FileName,
    byte[]? Background,
    string? OptionsJson,
    string? IdempotencyKey,
    byte[]? Mask = null,
    string? CallbackUrl = null)
{
    public string Tenant => Account.Tenant;
}

/// <summary>The job that a submission started, or the earlier one its Idempotency-Key points at.</summary>
public sealed record SubmitOutcome(JobRecord Job, bool Created);
