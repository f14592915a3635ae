using Darkroom.Core.Errors;
using Darkroom.Core.Ports;

namespace Darkroom.Pipeline;

public static class ArtifactStoreExtensions
{
    /// <summary>The blob's bytes; a missing blob means the job's inputs were deleted under it.</summary>
    public static async Task<byte[]> ReadRequiredAsync(this IArtifactStore artifacts, string reference, CancellationToken cancellationToken) =>
        await artifacts.GetAsync(reference, cancellationToken)
        ?? throw new DarkroomException(ErrorCodes.JobCanceled, 410, $"The blob {reference} is gone; the job was deleted or its input removed.");

    /// <summary>Deletes everything a job wrote under the given containers.</summary>
    public static async Task DeleteJobArtifactsAsync(this IArtifactStore artifacts, string tenant, string jobId, IEnumerable<string> containers, CancellationToken cancellationToken)
    {
        foreach (string container in containers)
        {
            await artifacts.DeletePrefixAsync(container, ArtifactPaths.JobPrefix(tenant, jobId), cancellationToken);
        }
    }
}
