using Darkroom.Core.Jobs;

namespace Darkroom.Core.Ports;

/// <summary>The Batches table.</summary>
public interface IBatchStore
{
    Task CreateAsync(BatchRecord batch, CancellationToken cancellationToken);

    Task<BatchRecord?> GetAsync(string tenant, string batchId, CancellationToken cancellationToken);
}
