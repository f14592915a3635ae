using System.Diagnostics;
using Darkroom.Core.Errors;
using Darkroom.Core.Jobs;
using Darkroom.Core.Ports;
using Darkroom.Core.Telemetry;
using Darkroom.Core.Workflow;
using Darkroom.Pipeline;
using Microsoft.Extensions.Logging;

namespace Darkroom.Server.Runner;

/// <summary>Runs (or resumes) one job's workflow from its checkpoints.</summary>
internal sealed class LocalWorkflowRunner(
    IJobStore jobs,
    ICheckpointStore checkpoints,
    IArtifactStore artifacts,
    ActivityDispatcher dispatcher,
    ICreditLedger ledger,
    IWorkQueue queue,
    Microsoft.Extensions.Options.IOptions<RunnerOptions> options,
    TimeProvider clock,
    ILogger<LocalWorkflowRunner> logger)
{
    private readonly RunnerServices _services = new(jobs, checkpoints, artifacts, dispatcher, clock, logger, options.Value.ParkRetriesLongerThan);

    /// <summary>Identifies this process in checkpoints, so a resumed job shows which run did which step.</summary>
    public string RunId { get; } = Guid.NewGuid().ToString("N")[..12];

    public async Task RunAsync(WorkItem item, CancellationToken cancellationToken)
    {
        JobRecord? job = await jobs.UpdateAsync(item.Tenant, item.JobId, j => j.Status.IsFinal() ? j : j with { Runs = j.Runs + 1 }, cancellationToken);
        if (job is null)
        {
            return;
        }

        // A finished job's workflow is done unless a call after the result (settle, webhook) was parked for a retry.
        IReadOnlyList<Checkpoint> history = await checkpoints.LoadAsync(job.JobId, cancellationToken);
        if (job.Status.IsFinal() && !history.Any(c => c.IsParked))
        {
            return;
        }

        // Every run of the job, in whichever process, is a span of the job's one trace.
        using Activity? span = DarkroomTelemetry.Source.StartActivity(
            "job.run",
            ActivityKind.Internal,
            DarkroomTelemetry.JobTrace(job.JobId),
            [new("darkroom.job.id", job.JobId), new("darkroom.operation", job.Operation.Name()), new("darkroom.run", job.Runs), new("darkroom.run.id", RunId)]);
        long started = Stopwatch.GetTimestamp();
        var context = new ReplayingWorkflowContext(job, history, RunId, _services, cancellationToken);
        logger.JobStarted(job.JobId, job.Runs, history.Count);
        JobOutcome outcome;
        try
        {
            outcome = await JobWorkflow.RunAsync(context, job.ToInput());
            span?.SetTag("darkroom.status", outcome.Status.ToString().ToLowerInvariant());
            DarkroomTelemetry.JobRunDuration.Record(
                Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                new KeyValuePair<string, object?>("darkroom.operation", job.Operation.Name()),
                new KeyValuePair<string, object?>("darkroom.status", outcome.Status.ToString().ToLowerInvariant()));
        }
        catch (WorkflowParkedException parked)
        {
            // A long retry back-off: the job comes back when its next attempt is due, and this worker moves on.
            await queue.EnqueueAsync(item, parked.Due - clock.GetUtcNow(), cancellationToken);
            logger.JobParked(job.JobId, parked.Due);
            return;
        }

        logger.JobFinished(job.JobId, outcome.Status, context.Executed, history.Count);
        if (outcome.Status == JobStatus.Canceled)
        {
            logger.JobGone(job.JobId);
            await artifacts.DeleteJobArtifactsAsync(job.Tenant, job.JobId, [ArtifactPaths.Work, ArtifactPaths.Results], CancellationToken.None);
        }
    }

    /// <summary>Fails a job that kept crashing its workers, so callers see why instead of waiting forever, and gives its credits back.</summary>
    public async Task AbandonAsync(WorkItem item, long dequeueCount, CancellationToken cancellationToken)
    {
        var error = new JobError(
            ErrorCodes.JobAbandoned,
            $"The job was picked up {dequeueCount} times without finishing; it may crash the worker. Check the image or contact support with the job id.",
            500);
        await dispatcher.InvokeAsync(
            ActivityNames.Fail,
            System.Text.Json.JsonSerializer.Serialize(new FailRequest(item.JobId, item.Tenant, error, []), ActivityDispatcher.Json),
            cancellationToken);
        if (await jobs.GetAsync(item.Tenant, item.JobId, cancellationToken) is { Charge: { } charge })
        {
            await ledger.SettleAsync(item.Tenant, charge.Month, item.JobId, Core.Accounts.LedgerKinds.Release, cancellationToken);
        }

        logger.JobAbandoned(item.JobId, dequeueCount);
    }
}
