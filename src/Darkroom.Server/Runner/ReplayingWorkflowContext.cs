using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Darkroom.Core.Errors;
using Darkroom.Core.Jobs;
using Darkroom.Core.Ports;
using Darkroom.Core.Workflow;
using Darkroom.Pipeline;
using Microsoft.Extensions.Logging;

namespace Darkroom.Server.Runner;

/// <summary>
/// <see cref="IWorkflowContext"/> with replay: every call's outcome is recorded in the Checkpoints table before
/// the workflow moves on; when the workflow re-runs after an interruption, recorded calls return their recorded
/// results instead of running again. Durable Functions gives the same guarantee in Azure.
/// </summary>
internal sealed class ReplayingWorkflowContext(
    JobRecord job,
    IReadOnlyList<Checkpoint> history,
    string runId,
    RunnerServices services,
    CancellationToken cancellationToken) : IWorkflowContext
{
    private readonly Dictionary<int, Checkpoint> _recorded = history.ToDictionary(c => c.Sequence);
    private int _sequence;
    private int _guids;

    /// <summary>The job's creation time: the same on every replay, like Durable's orchestration start time.</summary>
    public DateTimeOffset UtcNow => job.CreatedAt;

    /// <summary>Calls that actually ran in this pass (not replayed).</summary>
    public int Executed { get; private set; }

    public async Task<TOut> CallActivityAsync<TOut>(string activity, object input, RetrySpec retry)
    {
        int sequence = _sequence++;
        if (_recorded.TryGetValue(sequence, out Checkpoint? checkpoint) && checkpoint.Name != activity)
        {
            throw new InvalidOperationException(
                $"Workflow for job {job.JobId} is not deterministic: call {sequence} was '{checkpoint.Name}' and is now '{activity}'.");
        }

        if (checkpoint is null || checkpoint.IsParked)
        {
            // A parked call that is not due yet parks the workflow again; otherwise its next attempt runs now.
            if (checkpoint?.RetryAt is { } due && due > services.Clock.GetUtcNow())
            {
                throw new WorkflowParkedException(due);
            }

            checkpoint = await ExecuteAsync(sequence, activity, input, retry, firstAttempt: (checkpoint?.Attempts ?? 0) + 1);
            Executed++;
        }

        if (checkpoint.FailureJson is not null)
        {
            JobError error = JsonSerializer.Deserialize<JobError>(checkpoint.FailureJson, ActivityDispatcher.Json)!;
            throw new ActivityFailedException(activity, error);
        }

        return JsonSerializer.Deserialize<TOut>(checkpoint.ResultJson!, ActivityDispatcher.Json)!;
    }

    public Guid NewGuid()
    {
        // Name-based, so the same instance and call order always give the same GUID.
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{job.JobId}/{_guids++}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16));
    }

    /// <summary>The workflow records progress through its Progress activity; this is the latest, for logs.</summary>
    public JobProgress? Progress { get; private set; }

    public void SetProgress(JobProgress progress) => Progress = progress;

    private async Task<Checkpoint> ExecuteAsync(int sequence, string activity, object input, RetrySpec retry, int firstAttempt)
    {
        string inputJson = JsonSerializer.Serialize(input, input.GetType(), ActivityDispatcher.Json);
        for (int attempt = firstAttempt; ; attempt++)
        {
            string? resultJson = null;
            JobError? failure = null;
            try
            {
                resultJson = await services.Dispatcher.InvokeAsync(activity, inputJson, cancellationToken);
            }
            catch (DarkroomException ex) when (!RetrySpec.IsRetryable(ex.ToError()) || attempt >= retry.MaxAttempts)
            {
                failure = ex.ToError();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The runner is the host boundary: an unexpected fault is retried, then recorded as the job's failure.
                services.Logger.ActivityAttemptFailed(ex, job.JobId, activity, attempt);
                if (attempt >= retry.MaxAttempts)
                {
                    failure = new JobError(ErrorCodes.Internal, $"{activity} failed after {attempt} attempts: {ex.Message}", 500);
                }
            }

            if (resultJson is not null || failure is not null)
            {
                var checkpoint = new Checkpoint(
                    sequence,
                    activity,
                    resultJson,
                    failure is null ? null : JsonSerializer.Serialize(failure, ActivityDispatcher.Json),
                    runId,
                    services.Clock.GetUtcNow(),
                    attempt);
                return await services.Checkpoints.RecordAsync(job.JobId, checkpoint, CancellationToken.None);
            }

            TimeSpan delay = retry.DelayBefore(attempt + 1);
            if (delay > services.ParkRetriesLongerThan)
            {
                // Do not hold a worker through a long back-off: record where the call stands and hand the job back.
                DateTimeOffset due = services.Clock.GetUtcNow() + delay;
                await services.Checkpoints.RecordAsync(
                    job.JobId,
                    new Checkpoint(sequence, activity, null, null, runId, services.Clock.GetUtcNow(), attempt, due),
                    CancellationToken.None);
                throw new WorkflowParkedException(due);
            }

            await Task.Delay(delay, services.Clock, cancellationToken);
        }
    }
}

/// <summary>The workflow stopped at a call whose next attempt is due at <see cref="Due"/>; the runner re-queues it for then.</summary>
internal sealed class WorkflowParkedException(DateTimeOffset due) : Exception($"Parked until {due:O}.")
{
    public DateTimeOffset Due { get; } = due;
}
