using Darkroom.Core.Jobs;
using Darkroom.Core.Ports;
using Darkroom.Core.Workflow;

namespace Darkroom.Pipeline.Activities;

/// <summary>Writes the job's stage, progress and timings so far, so both hosts show honest status; says whether to go on.</summary>
public sealed class ProgressActivity(IJobStore jobs, TimeProvider clock) : IActivity<ProgressRequest, ProgressResult>
{
    public async Task<ProgressResult> RunAsync(ProgressRequest request, CancellationToken cancellationToken)
    {
        JobRecord? job = await jobs.UpdateAsync(request.Tenant, request.JobId, j => j.Status.IsFinal() ? j : j with
        {
            Status = JobStatus.Processing,
            Stage = request.Stage,
            Percent = request.Percent,
            Timings = request.Timings,
            UpdatedAt = clock.GetUtcNow(),
        }, cancellationToken);
        return new ProgressResult(job is not null && job.Status == JobStatus.Processing);
    }
}
