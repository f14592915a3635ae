using System.Diagnostics;
using Darkroom.Core.Jobs;
using Darkroom.Core.Ports;
using Darkroom.Core.Workflow;

namespace Darkroom.Pipeline.Activities;

/// <summary>Marks the job completed with its result, input facts and timings, then drops the intermediates.</summary>
public sealed class PersistActivity(IJobStore jobs, IArtifactStore artifacts, TimeProvider clock) : IActivity<PersistRequest, PersistResult>
{
    public async Task<PersistResult> RunAsync(PersistRequest request, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        if (request.OutboxBlob is not null && await artifacts.GetAsync(request.Result.Blob, cancellationToken) is { } bytes)
        {
            await artifacts.PutAsync(request.OutboxBlob, bytes, request.Result.ContentType, cancellationToken);
        }

        // Intermediates go first: once the record says completed, callers may delete the job at once.
        await artifacts.DeleteJobArtifactsAsync(
            request.Tenant, request.JobId, request.DropSource ? [ArtifactPaths.Work, ArtifactPaths.Uploads] : [ArtifactPaths.Work], cancellationToken);
        DateTimeOffset now = clock.GetUtcNow();
        await jobs.UpdateAsync(request.Tenant, request.JobId, job => job with
        {
            Status = JobStatus.Completed,
            Stage = JobStage.Done,
            Percent = 100,
            Result = request.Result,
            Classification = request.Classification ?? job.Classification,
            Input = request.Input,
            Timings = [.. request.Timings, new StageTiming(JobStage.Persist, stopwatch.ElapsedMilliseconds)],
            UpdatedAt = now,
            CompletedAt = now,
        }, cancellationToken);
        return new PersistResult(stopwatch.ElapsedMilliseconds);
    }
}
