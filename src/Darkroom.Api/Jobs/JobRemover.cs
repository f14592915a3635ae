using Darkroom.Core.Ports;
using Darkroom.Pipeline;

namespace Darkroom.Api.Jobs;

/// <summary>
/// Deletes a job's blobs, checkpoints and record, in that order, so a half-done delete can be repeated. A job
/// deleted before it finished gets its credits back here (its workflow may never run to release them); for a
/// finished job the reservation is already settled and this changes nothing.
/// </summary>
public sealed class JobRemover(IJobStore jobs, IArtifactStore artifacts, ICheckpointStore checkpoints, ICreditLedger ledger)
{
    /// <param name="job">The record as the caller just read it (its charge never changes after acceptance).</param>
    public async Task RemoveAsync(Core.Jobs.JobRecord job, CancellationToken cancellationToken)
    {
        (string tenant, string jobId) = (job.Tenant, job.JobId);
        if (job.Charge is { } charge)
        {
            await ledger.SettleAsync(tenant, charge.Month, jobId, Core.Accounts.LedgerKinds.Release, cancellationToken);
        }

        await artifacts.DeleteJobArtifactsAsync(tenant, jobId, ArtifactPaths.JobContainers, cancellationToken);
        await checkpoints.DeleteAsync(jobId, cancellationToken);
        await jobs.DeleteAsync(tenant, jobId, cancellationToken);
        if (job.IdempotencyKeyHash is { } keyHash)
        {
            // The key names no job any more: the same key may start a new one.
            await jobs.ReleaseIdempotencyKeyAsync(tenant, keyHash, cancellationToken);
        }
    }
}
