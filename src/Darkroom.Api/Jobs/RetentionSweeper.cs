using Darkroom.Core.Jobs;
using Darkroom.Core.Ports;
using Darkroom.Pipeline;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Darkroom.Api.Jobs;

/// <summary>
/// Housekeeping in both hosts, every <see cref="RetentionOptions.Every"/>: the checkpoints of finished jobs go after
/// <see cref="RetentionOptions.CheckpointsAfter"/> and their original uploads after
/// <see cref="RetentionOptions.OriginalsAfter"/> (results and records stay until the caller deletes them); and a
/// credit reservation still open after <see cref="RetentionOptions.SettleReservationsAfter"/> whose job is gone or
/// finished is settled (committed for a completed job, released otherwise), so no credit stays held for ever.
/// </summary>
public sealed class RetentionSweeper(
    IJobStore jobs,
    ICheckpointStore checkpoints,
    IArtifactStore artifacts,
    ICreditLedger ledger,
    BackgroundLoops health,
    IOptions<RetentionOptions> options,
    TimeProvider clock) : BackgroundService
{
    public const string LoopName = "retention-sweeper";

    /// <summary>One pass; returns what it did, for tests and logs.</summary>
    public async Task<SweepResult> SweepAsync(CancellationToken cancellationToken)
    {
        RetentionOptions o = options.Value;
        DateTimeOffset now = clock.GetUtcNow();
        int checkpointsDropped = 0, originalsDropped = 0, settled = 0;
        TimeSpan earliest = o.CheckpointsAfter < o.OriginalsAfter ? o.CheckpointsAfter : o.OriginalsAfter;
        await foreach (JobRecord job in jobs.ListFinishedBeforeAsync(now - earliest, cancellationToken))
        {
            bool dropCheckpoints = !job.CheckpointsSwept && job.UpdatedAt <= now - o.CheckpointsAfter
                && !(await checkpoints.LoadAsync(job.JobId, cancellationToken)).Any(c => c.IsParked);

            // A classification asked to keep its photo keeps it.
            bool dropOriginals = !job.OriginalsSwept && job.UpdatedAt <= now - o.OriginalsAfter && job.Options.Classify is not { KeepOriginal: true };
            if (dropCheckpoints)
            {
                await checkpoints.DeleteAsync(job.JobId, cancellationToken);
                checkpointsDropped++;
            }

            if (dropOriginals)
            {
                await artifacts.DeleteJobArtifactsAsync(job.Tenant, job.JobId, [ArtifactPaths.Uploads, ArtifactPaths.Work], cancellationToken);
                originalsDropped++;
            }

            if (dropCheckpoints || dropOriginals)
            {
                await jobs.UpdateAsync(
                    job.Tenant,
                    job.JobId,
                    j => j with { CheckpointsSwept = j.CheckpointsSwept || dropCheckpoints, OriginalsSwept = j.OriginalsSwept || dropOriginals },
                    cancellationToken);
            }
        }

        foreach (OpenReservation open in await ledger.ListOpenReservationsAsync(now - o.SettleReservationsAfter, cancellationToken))
        {
            JobRecord? job = await jobs.GetAsync(open.Tenant, open.JobId, cancellationToken);
            if (job is null || job.Status.IsFinal())
            {
                string kind = job?.Status == JobStatus.Completed ? Core.Accounts.LedgerKinds.Commit : Core.Accounts.LedgerKinds.Release;
                if (await ledger.SettleAsync(open.Tenant, open.Month, open.JobId, kind, cancellationToken))
                {
                    settled++;
                }
            }
        }

        return new SweepResult(checkpointsDropped, originalsDropped, settled);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Every <= TimeSpan.Zero)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            health.Running(LoopName);
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // Housekeeping never stops the host: report it and try again next time.
                health.Faulted(LoopName, ex);
            }

            try
            {
                await Task.Delay(options.Value.Every, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

public sealed record SweepResult(int CheckpointsDropped, int OriginalsDropped, int ReservationsSettled);
