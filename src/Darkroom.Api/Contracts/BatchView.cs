using Darkroom.Core.Jobs;

namespace Darkroom.Api.Contracts;

public sealed record BatchView(string Id, string Operation, DateTimeOffset CreatedAt, BatchSummary Summary, IReadOnlyList<BatchItemView> Items);

/// <summary>Counts over the items; <c>totalProcessingMs</c> adds up the finished jobs' stage timings.</summary>
public sealed record BatchSummary(int Total, int Completed, int Failed, int Pending, long TotalProcessingMs);

public sealed record BatchItemView(int Index, string? FileName, string? JobId, JobStatus Status, string? ResultUrl, JobErrorView? Error);
