using Darkroom.Core.Accounts;
using Darkroom.Core.Options;

namespace Darkroom.Core.Jobs;

/// <summary>The workflow's input: which job, and where its bytes are. Never the bytes themselves.</summary>
public sealed record JobInput(
    string JobId,
    string Tenant,
    JobOperation Operation,
    string SourceBlob,
    string? BackgroundBlob,
    JobOptions Options,
    string? OutboxBlob = null,
    string? MaskBlob = null,
    Charge? Charge = null,
    string? CallbackUrl = null,
    string? KeyHash = null);
