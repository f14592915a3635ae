using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Darkroom.Core.Ports;

namespace Darkroom.Azure;

/// <summary>
/// <see cref="IRateCounter"/> in the RateLimits table: one row per key and minute window (partition = key), updated
/// with optimistic concurrency. Starting a window deletes the key's previous one, so rows do not pile up.
/// </summary>
public sealed class TableRateCounter(StorageClients clients) : IRateCounter
{
    private const int MaxConflictRetries = 20;

    private TableClient Table => clients.Table(StorageNames.RateLimitsTable);

    public async Task<long> IncrementAsync(string key, DateTimeOffset windowStart, CancellationToken cancellationToken)
    {
        string row = RowKey(windowStart);
        for (int attempt = 0; ; attempt++)
        {
            NullableResponse<TableEntity> found = await Table.GetEntityIfExistsAsync<TableEntity>(key, row, cancellationToken: cancellationToken);
            try
            {
                if (!found.HasValue)
                {
                    await Table.AddEntityAsync(new TableEntity(key, row) { ["Count"] = 1L }, cancellationToken);
                    await Table.DeleteEntityAsync(key, RowKey(windowStart.AddMinutes(-1)), ETag.All, cancellationToken);
                    return 1;
                }

                TableEntity current = found.Value!;
                long count = (current.GetInt64("Count") ?? 0) + 1;
                current["Count"] = count;
                await Table.UpdateEntityAsync(current, current.ETag, TableUpdateMode.Replace, cancellationToken);
                return count;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxConflictRetries)
            {
                // Another request (here or on another replica) counted first: read again.
            }
        }
    }

    private static string RowKey(DateTimeOffset windowStart) => windowStart.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);
}
