using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues.Models;
using Darkroom.Azure;

namespace Darkroom.Server.Tests.Hostile;

/// <summary>Every blob (name and ETag), every table row (keys and ETag; request counters aside) and every queue's message count of one host's storage.</summary>
internal sealed record StorageSnapshot(SortedSet<string> Entries)
{
    public static async Task<StorageSnapshot> TakeAsync(StorageClients storage, CancellationToken cancellationToken)
    {
        var entries = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string container in StorageNames.Containers)
        {
            await foreach (BlobItem blob in storage.Container(container).GetBlobsAsync(cancellationToken: cancellationToken))
            {
                entries.Add($"blob {container}/{blob.Name} {blob.Properties.ETag}");
            }
        }

        // RateLimits counts every request by design (refused ones included); everything else must stay as it was.
        foreach (string table in StorageNames.Tables.Where(t => t != StorageNames.RateLimitsTable))
        {
            await foreach (TableEntity row in storage.Table(table).QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
            {
                entries.Add($"row {table}/{row.PartitionKey}/{row.RowKey} {row.ETag}");
            }
        }

        foreach (string queue in new[] { storage.JobQueueName, StorageNames.Poison(storage.JobQueueName) })
        {
            QueueProperties properties = (await storage.Queue(queue).GetPropertiesAsync(cancellationToken)).Value;
            entries.Add($"queue {queue} {properties.ApproximateMessagesCount}");
        }

        return new StorageSnapshot(entries);
    }

    public string Difference(StorageSnapshot after) =>
        string.Join("; ", Entries.Except(after.Entries).Select(e => "- " + e).Concat(after.Entries.Except(Entries).Select(e => "+ " + e)).Take(10));
}
