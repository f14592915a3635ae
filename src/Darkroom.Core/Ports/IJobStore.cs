using Darkroom.Core.Jobs;

namespace Darkroom.Core.Ports;

/// <summary>The Jobs table: one record per job, partitioned by tenant.</summary>
public interface IJobStore
{
    Task<JobRecord?> GetAsync(string tenant, string jobId, CancellationToken cancellationToken);

    /// <summary>Inserts the record; false when a job with that id already exists.</summary>
    Task<bool> TryCreateAsync(JobRecord job, CancellationToken cancellationToken);

    /// <summary>Applies <paramref name="change"/> to the stored record with optimistic concurrency, retrying on conflict; null when the job is gone.</summary>
    Task<JobRecord?> UpdateAsync(string tenant, string jobId, Func<JobRecord, JobRecord> change, CancellationToken cancellationToken);

    Task<JobPage> ListAsync(string tenant, int pageSize, string? continuation, CancellationToken cancellationToken);

    Task DeleteAsync(string tenant, string jobId, CancellationToken cancellationToken);

    /// <summary>Every tenant's finished (completed, failed, canceled) jobs last changed before <paramref name="before"/>.</summary>
    IAsyncEnumerable<JobRecord> ListFinishedBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken);

    /// <summary>
    /// Claims an idempotency key for a job id; returns the job id that holds it (ours, or the earlier one). A claim
    /// whose job does not exist and that is older than <paramref name="staleAfter"/> (its submission died, or the job
    /// was deleted) is taken over.
    /// </summary>
    Task<string> ClaimIdempotencyKeyAsync(string tenant, string keyHash, string jobId, TimeSpan staleAfter, CancellationToken cancellationToken);

    Task ReleaseIdempotencyKeyAsync(string tenant, string keyHash, CancellationToken cancellationToken);
}

public sealed record JobPage(IReadOnlyList<JobRecord> Jobs, string? Continuation);
