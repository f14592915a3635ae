using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Darkroom.Core.Classification;
using Darkroom.Core.Ports;

namespace Darkroom.Azure;

/// <summary>
/// <see cref="IClassificationStore"/> on the Classifications table: partition = tenant, row = SHA-256. A row is
/// added as a claim (<c>State = pending</c>) by the one caller that gets to classify; racing callers see the claim
/// (409 on add) and wait for its result. Day counters live in partition "stats|{tenant}", one row per UTC day.
/// All read-modify-writes go through ETags.
/// </summary>
public sealed class TableClassificationStore(StorageClients clients, TimeProvider clock) : IClassificationStore
{
    private const string Pending = "pending";
    private const string Done = "done";
    private const int MaxConflictRetries = 100;

    private TableClient Table => clients.Table(StorageNames.ClassificationsTable);

    public async Task<CachedClassification?> GetAsync(string tenant, string sha256, string classifierVersion, CancellationToken cancellationToken)
    {
        NullableResponse<TableEntity> row = await Table.GetEntityIfExistsAsync<TableEntity>(tenant, sha256, cancellationToken: cancellationToken);
        return row.HasValue && IsCurrent(row.Value!, classifierVersion) ? Read(row.Value!) : null;
    }

    public async Task<ClaimOutcome> ClaimAsync(string tenant, string sha256, string classifierVersion, TimeSpan staleAfter, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            DateTimeOffset now = clock.GetUtcNow();
            var claim = new TableEntity(tenant, sha256) { ["State"] = Pending, ["ClaimedAt"] = now, ["Version"] = classifierVersion };
            NullableResponse<TableEntity> row = await Table.GetEntityIfExistsAsync<TableEntity>(tenant, sha256, cancellationToken: cancellationToken);
            try
            {
                if (!row.HasValue)
                {
                    await Table.AddEntityAsync(claim, cancellationToken);
                    return new ClaimOutcome(ClaimStatus.Claimed, null);
                }

                TableEntity current = row.Value!;
                if (IsCurrent(current, classifierVersion))
                {
                    return new ClaimOutcome(ClaimStatus.Done, Read(current));
                }

                bool stale = current.GetString("State") == Pending && current.GetDateTimeOffset("ClaimedAt") + staleAfter < now;
                if (current.GetString("State") == Pending && !stale)
                {
                    return new ClaimOutcome(ClaimStatus.Pending, null);
                }

                // An abandoned claim, or a result from an older classifier version: take it over.
                await Table.UpdateEntityAsync(claim, current.ETag, TableUpdateMode.Replace, cancellationToken);
                return new ClaimOutcome(ClaimStatus.Claimed, null);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxConflictRetries)
            {
                // Someone claimed or finished in between: look again.
            }
        }
    }

    public async Task<CachedClassification> CompleteAsync(string tenant, string sha256, string classifierVersion, ClassificationResult result, CancellationToken cancellationToken)
    {
        DateTimeOffset now = clock.GetUtcNow();
        var entry = new CachedClassification(sha256, result, classifierVersion, 0, now, now);
        await Table.UpsertEntityAsync(ToEntity(tenant, entry), TableUpdateMode.Replace, cancellationToken);
        return entry;
    }

    public async Task AbandonAsync(string tenant, string sha256, CancellationToken cancellationToken)
    {
        NullableResponse<TableEntity> row = await Table.GetEntityIfExistsAsync<TableEntity>(tenant, sha256, cancellationToken: cancellationToken);
        if (row.HasValue && row.Value!.GetString("State") == Pending)
        {
            try
            {
                await Table.DeleteEntityAsync(tenant, sha256, row.Value!.ETag, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // Someone else took the claim over meanwhile: it is theirs now.
            }
        }
    }

    public async Task RecordHitAsync(string tenant, string sha256, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            NullableResponse<TableEntity> row = await Table.GetEntityIfExistsAsync<TableEntity>(tenant, sha256, cancellationToken: cancellationToken);
            if (!row.HasValue || row.Value!.GetString("State") != Done)
            {
                return;
            }

            CachedClassification entry = Read(row.Value!);
            CachedClassification hit = entry with { HitCount = entry.HitCount + 1, LastHit = clock.GetUtcNow() };
            try
            {
                await Table.UpdateEntityAsync(ToEntity(tenant, hit), row.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status == 412 && attempt < MaxConflictRetries)
            {
                await Task.Delay(Random.Shared.Next(2, 15), cancellationToken);
            }
        }
    }

    public async Task RecordRequestAsync(string tenant, DateTimeOffset at, string method, string category, CancellationToken cancellationToken)
    {
        string partition = StatsPartition(tenant), day = Day(at);
        for (int attempt = 0; ; attempt++)
        {
            NullableResponse<TableEntity> row = await Table.GetEntityIfExistsAsync<TableEntity>(partition, day, cancellationToken: cancellationToken);
            ClassifyDayStats stats = row.HasValue ? ReadStats(row.Value!) : Empty(day);
            ClassifyDayStats counted = stats with
            {
                Requests = stats.Requests + 1,
                CacheHits = stats.CacheHits + (method == ClassifyMethods.Cache ? 1 : 0),
                Methods = Increment(stats.Methods, method),
                Categories = Increment(stats.Categories, category),
            };
            var entity = new TableEntity(partition, day) { ["Json"] = JsonSerializer.Serialize(counted, StorageJson.Options) };
            try
            {
                if (row.HasValue)
                {
                    await Table.UpdateEntityAsync(entity, row.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await Table.AddEntityAsync(entity, cancellationToken);
                }

                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxConflictRetries)
            {
                await Task.Delay(Random.Shared.Next(2, 15), cancellationToken);
            }
        }
    }

    public async Task<ClassifyDayStats> DayAsync(string tenant, string day, CancellationToken cancellationToken)
    {
        NullableResponse<TableEntity> row = await Table.GetEntityIfExistsAsync<TableEntity>(StatsPartition(tenant), day, cancellationToken: cancellationToken);
        return row.HasValue ? ReadStats(row.Value!) : Empty(day);
    }

    public async Task<IReadOnlyList<ClassifyDayStats>> DaysAsync(string tenant, CancellationToken cancellationToken)
    {
        var days = new List<ClassifyDayStats>();
        await foreach (TableEntity entity in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {StatsPartition(tenant)}"), cancellationToken: cancellationToken))
        {
            days.Add(ReadStats(entity));
        }

        return days;
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<ClassifyDayStats>>> AllDaysAsync(CancellationToken cancellationToken)
    {
        // Statistics partitions are "stats|<tenant>": '|' is followed by '}' in ordinal order, so this range is exactly them.
        var tenants = new Dictionary<string, List<ClassifyDayStats>>(StringComparer.Ordinal);
        await foreach (TableEntity entity in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey ge {"stats|"} and PartitionKey lt {"stats}"}"), cancellationToken: cancellationToken))
        {
            string tenant = entity.PartitionKey["stats|".Length..];
            if (!tenants.TryGetValue(tenant, out List<ClassifyDayStats>? days))
            {
                tenants[tenant] = days = [];
            }

            days.Add(ReadStats(entity));
        }

        return tenants.ToDictionary(t => t.Key, t => (IReadOnlyList<ClassifyDayStats>)t.Value, StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<CachedClassification>> ListAsync(string tenant, CancellationToken cancellationToken)
    {
        var entries = new List<CachedClassification>();
        await foreach (TableEntity entity in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {tenant} and State eq {Done}"), cancellationToken: cancellationToken))
        {
            entries.Add(Read(entity));
        }

        return entries;
    }

    public static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string StatsPartition(string tenant) => $"stats|{tenant}";

    private static bool IsCurrent(TableEntity entity, string classifierVersion) =>
        entity.GetString("State") == Done && entity.GetString("Version") == classifierVersion;

    private static TableEntity ToEntity(string tenant, CachedClassification entry) => new(tenant, entry.Sha256)
    {
        ["State"] = Done,
        ["Version"] = entry.ClassifierVersion,
        ["Category"] = entry.Result.Category,
        ["HitCount"] = entry.HitCount,
        ["FirstSeen"] = entry.FirstSeen,
        ["LastHit"] = entry.LastHit,
        ["Json"] = JsonSerializer.Serialize(entry, StorageJson.Options),
    };

    private static CachedClassification Read(TableEntity entity) =>
        JsonSerializer.Deserialize<CachedClassification>(entity.GetString("Json"), StorageJson.Options)
        ?? throw new InvalidDataException($"Classification {entity.RowKey} is empty.");

    private static ClassifyDayStats ReadStats(TableEntity entity) =>
        JsonSerializer.Deserialize<ClassifyDayStats>(entity.GetString("Json"), StorageJson.Options)
        ?? throw new InvalidDataException($"Stats {entity.RowKey} are empty.");

    private static ClassifyDayStats Empty(string day) => new(day, 0, 0, new Dictionary<string, long>(), new Dictionary<string, long>());

    private static Dictionary<string, long> Increment(IReadOnlyDictionary<string, long> counts, string key)
    {
        var next = new Dictionary<string, long>(counts, StringComparer.Ordinal);
        next[key] = next.GetValueOrDefault(key) + 1;
        return next;
    }
}
