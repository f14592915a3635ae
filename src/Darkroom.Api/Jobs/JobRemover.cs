using Darkroom.Core.Ports;
using Darkroom.Pipeline;

namespace Darkroom.Api.Jobs;

/// <summary>Deletes a job's blobs, checkpoints and record, in that order, so a half-done delete can be repeated.</summary>
public sealed class JobRemover(IJobStore jobs, IArtifactStore artifacts, ICheckpointStore checkpoints)
{
    public async Task RemoveAsync(string tenant, string jobId, CancellationToken cancellationToken)
    {
        await artifacts.DeleteJobArtifactsAsync(tenant, jobId, ArtifactPaths.JobContainers, cancellationToken);
        await checkpoints.DeleteAsync(jobId, cancellationToken);
        await jobs.DeleteAsync(tenant, jobId, cancellationToken);
    }
}
