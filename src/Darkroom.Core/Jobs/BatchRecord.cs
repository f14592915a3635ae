using Darkroom.Core.Errors;

namespace Darkroom.Core.Jobs;

/// <summary>A batch: one job per image, each item either started (job id) or refused at the edge (error).</summary>
public sealed record BatchRecord(string Tenant, string BatchId, JobOperation Operation, DateTimeOffset CreatedAt, IReadOnlyList<BatchItem> Items);

public sealed record BatchItem(int Index, string? FileName, string? JobId, JobError? Error);
