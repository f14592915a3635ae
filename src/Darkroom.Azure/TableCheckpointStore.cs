using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Darkroom.Core.Ports;

namespace Darkroom.Azure;

/// <summary><see cref="ICheckpointStore"/> on the Checkpoints table: partition = workflow instance, row = call sequence.</summary>
public sealed class TableCheckpointStore(StorageClients clients) : ICheckpointStore
{
    private TableClient Table => clients.Table(StorageNames.CheckpointsTable);

    public async Task<IReadOnlyList<Checkpoint>> LoadAsync(string instanceId, CancellationToken cancellationToken)
    {
        var checkpoints = new List<Checkpoint>();
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {instanceId}");
        await foreach (TableEntity entity in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            checkpoints.Add(ToCheckpoint(entity));
        }

        return [.. checkpoints.OrderBy(c => c.Sequence)];
    }

    public async Task<Checkpoint> RecordAsync(string instanceId, Checkpoint checkpoint, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(instanceId, RowKey(checkpoint.Sequence))
        {
            ["Name"] = checkpoint.Name,
            ["ResultJson"] = checkpoint.ResultJson,
            ["FailureJson"] = checkpoint.FailureJson,
            ["RunId"] = checkpoint.RunId,
            ["RecordedAt"] = checkpoint.RecordedAt,
            ["Attempts"] = checkpoint.Attempts,
            ["RetryAt"] = checkpoint.RetryAt,
        };
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                await Table.AddEntityAsync(entity, cancellationToken);
                return checkpoint;
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                TableEntity first = (await Table.GetEntityAsync<TableEntity>(instanceId, RowKey(checkpoint.Sequence), cancellationToken: cancellationToken)).Value;
                Checkpoint recorded = ToCheckpoint(first);
                if (!recorded.IsParked || attempt >= 5)
                {
                    // An outcome is final: the first one recorded wins.
                    return recorded;
                }

                // A parked call is replaced by its next state (parked again, or its outcome).
                try
                {
                    await Table.UpdateEntityAsync(entity, first.ETag, TableUpdateMode.Replace, cancellationToken);
                    return checkpoint;
                }
                catch (RequestFailedException conflict) when (conflict.Status is 412 or 404)
                {
                    // Someone else moved it on: look again.
                }
            }
        }
    }

    public async Task DeleteAsync(string instanceId, CancellationToken cancellationToken)
    {
        foreach (Checkpoint checkpoint in await LoadAsync(instanceId, cancellationToken))
        {
            await Table.DeleteEntityAsync(instanceId, RowKey(checkpoint.Sequence), ETag.All, cancellationToken);
        }
    }

    private static string RowKey(int sequence) => sequence.ToString("D6", CultureInfo.InvariantCulture);

    private static Checkpoint ToCheckpoint(TableEntity entity) => new(
        int.Parse(entity.RowKey, CultureInfo.InvariantCulture),
        entity.GetString("Name"),
        entity.GetString("ResultJson"),
        entity.GetString("FailureJson"),
        entity.GetString("RunId"),
        entity.GetDateTimeOffset("RecordedAt") ?? DateTimeOffset.MinValue,
        entity.GetInt32("Attempts") ?? 1,
        entity.GetDateTimeOffset("RetryAt"));
}
