using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Darkroom.Core.Ports;

namespace Darkroom.Azure;

/// <summary>
/// <see cref="IRateCounter"/> in the RateLimits table: one row per key and minute window (partition = key), updated
/// with optimistic concurrency. Starting a window deletes the key's previous one, so rows do not pile up. Under
/// heavy contention on one key the count can fall short by the requests that gave up racing (they are let through).
/// </summary>
public sealed class TableRateCounter(StorageClients clients) : IRateCounter
{
    private const int MaxConflictRetries = 20;

    private TableClient Table => clients.Table(StorageNames.RateLimitsTable);

    public async Task<long> IncrementAsync(string key, DateTimeOffset windowStart, CancellationToken cancellationToken)
    {
        string row = RowKey(windowStart);
        long seen = 0;
        for (int attempt = 0; attempt <= MaxConflictRetries; attempt++)
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
                seen = count;
                current["Count"] = count;
                await Table.UpdateEntityAsync(current, current.ETag, TableUpdateMode.Replace, cancellationToken);
                return count;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another request (here or on another replica) counted first: read again.
            }
        }

        // A key this hot keeps losing the race: let the request through with the count last seen rather than fail
        // it (the other requests that won were counted).
        return seen;
    }

    private static string RowKey(DateTimeOffset windowStart) => windowStart.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);
}
