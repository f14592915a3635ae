using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Darkroom.Core.Jobs;
using Darkroom.Core.Ports;

namespace Darkroom.Azure;

/// <summary><see cref="IBatchStore"/> on the Batches table: partition = tenant, row = batch id, the record as JSON.</summary>
public sealed class TableBatchStore(StorageClients clients) : IBatchStore
{
    private TableClient Table => clients.Table(StorageNames.BatchesTable);

    public async Task CreateAsync(BatchRecord batch, CancellationToken cancellationToken) =>
        await Table.AddEntityAsync(
            new TableEntity(batch.Tenant, batch.BatchId) { ["Json"] = JsonSerializer.Serialize(batch, StorageJson.Options) },
            cancellationToken);

    public async Task<BatchRecord?> GetAsync(string tenant, string batchId, CancellationToken cancellationToken)
    {
        NullableResponse<TableEntity> response = await Table.GetEntityIfExistsAsync<TableEntity>(tenant, batchId, cancellationToken: cancellationToken);
        return response.HasValue ? JsonSerializer.Deserialize<BatchRecord>(response.Value!.GetString("Json"), StorageJson.Options) : null;
    }
}
