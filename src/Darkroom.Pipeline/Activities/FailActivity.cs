using System.Diagnostics;
using Darkroom.Core.Jobs;
using Darkroom.Core.Ports;
using Darkroom.Core.Workflow;

namespace Darkroom.Pipeline.Activities;

/// <summary>Marks the job failed with its error and removes whatever it wrote, so nothing half-made stays behind.</summary>
public sealed class FailActivity(IJobStore jobs, IArtifactStore artifacts, TimeProvider clock) : IActivity<FailRequest, FailResult>
{
    public async Task<FailResult> RunAsync(FailRequest request, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        DateTimeOffset now = clock.GetUtcNow();
        await jobs.UpdateAsync(request.Tenant, request.JobId, job => job with
        {
            Status = job.Status == JobStatus.Canceled ? JobStatus.Canceled : JobStatus.Failed,
            Error = request.Error,
            Timings = request.Timings,
            UpdatedAt = now,
            CompletedAt = now,
        }, cancellationToken);
        await artifacts.DeleteJobArtifactsAsync(request.Tenant, request.JobId, [ArtifactPaths.Work, ArtifactPaths.Results], cancellationToken);
        return new FailResult(stopwatch.ElapsedMilliseconds);
    }
}
