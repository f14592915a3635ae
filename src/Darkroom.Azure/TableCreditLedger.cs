using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Darkroom.Core.Accounts;
using Darkroom.Core.Ports;

namespace Darkroom.Azure;

/// <summary>
/// <see cref="ICreditLedger"/> on the Usage table. One partition per tenant and month ("{tenant}|{yyyy-MM}") holds
/// the month's <c>balance</c> row, its <c>reward</c> row and each job's <c>job|{id}|reserve</c>, <c>…|commit</c> and
/// <c>…|release</c> rows. Every change is one entity-group transaction that adds its keyed entry and replaces the
/// rows it read under their ETags: a repeated call finds its entry already there (409) and changes nothing, and
/// two racing calls cannot both spend the same balance (412, read again, decide again).
/// </summary>
public sealed class TableCreditLedger(StorageClients clients, TimeProvider clock) : ICreditLedger
{
    private const string BalanceRow = "balance";
    private const int MaxConflictRetries = 200;

    private TableClient Table => clients.Table(StorageNames.UsageTable);

    public async Task<LedgerBalance> GetAsync(string tenant, string month, long monthlyGrant, CancellationToken cancellationToken) =>
        (await ReadOrGrantAsync(tenant, month, monthlyGrant, cancellationToken)).Balance;

    public async Task<ReserveOutcome> ReserveAsync(ReserveRequest request, CancellationToken cancellationToken)
    {
        string partition = Partition(request.Tenant, request.Month);
        for (int attempt = 0; ; attempt++)
        {
            (LedgerBalance balance, ETag etag) = await ReadOrGrantAsync(request.Tenant, request.Month, request.MonthlyGrant, cancellationToken);
            if (await Table.GetEntityIfExistsAsync<TableEntity>(partition, EntryRow(request.JobId, LedgerKinds.Reserve), cancellationToken: cancellationToken) is { HasValue: true })
            {
                return new ReserveOutcome(ReserveStatus.AlreadyReserved, balance);
            }

            if (balance.Active >= request.MaxActive)
            {
                return new ReserveOutcome(ReserveStatus.TooManyActive, balance);
            }

            if (balance.Available < request.Credits)
            {
                return new ReserveOutcome(ReserveStatus.InsufficientCredits, balance);
            }

            LedgerBalance updated = balance with
            {
                Reserved = balance.Reserved + request.Credits,
                Active = balance.Active + 1,
                Operations = Count(balance.Operations, request.Operation, u => u with { Accepted = u.Accepted + 1 }),
            };
            TableEntity entry = Entry(partition, EntryRow(request.JobId, LedgerKinds.Reserve), LedgerKinds.Reserve, request.JobId, request.Operation, request.Credits);
            entry["Settled"] = "";
            switch (await TrySubmitAsync([new(TableTransactionActionType.Add, entry), Replace(ToEntity(updated), etag)], attempt, cancellationToken))
            {
                case Submitted.Done:
                    return new ReserveOutcome(ReserveStatus.Reserved, updated);
                case Submitted.EntryExists:
                    return new ReserveOutcome(ReserveStatus.AlreadyReserved, balance);
            }
        }
    }

    public async Task<bool> SettleAsync(string tenant, string month, string jobId, string kind, CancellationToken cancellationToken)
    {
        if (kind is not (LedgerKinds.Commit or LedgerKinds.Release))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "A reservation settles as commit or release.");
        }

        string partition = Partition(tenant, month);
        for (int attempt = 0; ; attempt++)
        {
            NullableResponse<TableEntity> reserved = await Table.GetEntityIfExistsAsync<TableEntity>(partition, EntryRow(jobId, LedgerKinds.Reserve), cancellationToken: cancellationToken);
            if (!reserved.HasValue || !string.IsNullOrEmpty(reserved.Value!.GetString("Settled")))
            {
                return false;
            }

            TableEntity reservation = reserved.Value!;
            NullableResponse<TableEntity> row = await Table.GetEntityIfExistsAsync<TableEntity>(partition, BalanceRow, cancellationToken: cancellationToken);
            if (!row.HasValue)
            {
                throw new InvalidDataException($"Ledger {partition} has a reservation for job {jobId} but no balance row.");
            }

            LedgerBalance balance = ToBalance(row.Value!);
            long credits = reservation.GetInt64("Credits") ?? 0;
            string operation = reservation.GetString("Operation");
            bool commit = kind == LedgerKinds.Commit;
            LedgerBalance updated = balance with
            {
                Reserved = balance.Reserved - credits,
                Spent = balance.Spent + (commit ? credits : 0),
                Active = Math.Max(0, balance.Active - 1),
                Operations = Count(
                    balance.Operations,
                    operation,
                    u => commit ? u with { Completed = u.Completed + 1, Credits = u.Credits + credits } : u with { Refunded = u.Refunded + 1 }),
            };
            reservation["Settled"] = kind;
            TableTransactionAction[] actions =
            [
                new(TableTransactionActionType.Add, Entry(partition, EntryRow(jobId, kind), kind, jobId, operation, credits)),
                Replace(reservation, reservation.ETag),
                Replace(ToEntity(updated), row.Value!.ETag),
            ];
            switch (await TrySubmitAsync(actions, attempt, cancellationToken))
            {
                case Submitted.Done:
                    return true;
                case Submitted.EntryExists:
                    return false;
            }
        }
    }

    public async Task<IReadOnlyList<LedgerEntry>> EntriesAsync(string tenant, string month, CancellationToken cancellationToken)
    {
        var entries = new List<LedgerEntry>();
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition(tenant, month)} and RowKey ne {BalanceRow}");
        await foreach (TableEntity entity in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            entries.Add(new LedgerEntry(
                entity.GetString("Kind"),
                entity.GetString("JobId"),
                entity.GetString("Operation"),
                entity.GetInt64("Credits") ?? 0,
                entity.GetDateTimeOffset("At") ?? entity.Timestamp ?? DateTimeOffset.MinValue));
        }

        return entries;
    }

    /// <summary>The month's balance and its ETag; the first call in a month writes the reward entry and the balance together.</summary>
    private async Task<(LedgerBalance Balance, ETag ETag)> ReadOrGrantAsync(string tenant, string month, long monthlyGrant, CancellationToken cancellationToken)
    {
        string partition = Partition(tenant, month);
        for (int attempt = 0; ; attempt++)
        {
            NullableResponse<TableEntity> row = await Table.GetEntityIfExistsAsync<TableEntity>(partition, BalanceRow, cancellationToken: cancellationToken);
            if (row.HasValue)
            {
                return (ToBalance(row.Value!), row.Value!.ETag);
            }

            if (attempt >= MaxConflictRetries)
            {
                throw new InvalidDataException($"Ledger {partition} has a reward entry but no balance row.");
            }

            var granted = new LedgerBalance(tenant, month, monthlyGrant, 0, 0, 0, new Dictionary<string, OperationUsage>());
            TableTransactionAction[] actions =
            [
                new(TableTransactionActionType.Add, Entry(partition, LedgerKinds.Reward, LedgerKinds.Reward, null, null, monthlyGrant)),
                new(TableTransactionActionType.Add, ToEntity(granted)),
            ];

            // Whether this call granted or a racing one did, the balance is there to read now.
            await TrySubmitAsync(actions, attempt, cancellationToken);
        }
    }

    private enum Submitted
    {
        Done,
        EntryExists,
        Conflict,
    }

    /// <summary>Runs a transaction whose first action adds the keyed entry: 409 means the entry exists, 412 that someone wrote first.</summary>
    private async Task<Submitted> TrySubmitAsync(IEnumerable<TableTransactionAction> actions, int attempt, CancellationToken cancellationToken)
    {
        try
        {
            await Table.SubmitTransactionAsync(actions, cancellationToken);
            return Submitted.Done;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412 or 404)
        {
            if (ex.Status == 409 && ex is not TableTransactionFailedException { FailedTransactionActionIndex: > 0 })
            {
                return Submitted.EntryExists;
            }

            if (attempt >= MaxConflictRetries)
            {
                throw;
            }

            // Back off a little, with jitter, so racing writers stop colliding in lockstep.
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 + Math.Min(attempt, 20) * 5)), cancellationToken);
            return Submitted.Conflict;
        }
    }

    private static TableTransactionAction Replace(TableEntity entity, ETag etag) => new(TableTransactionActionType.UpdateReplace, entity, etag);

    public async Task<IReadOnlyList<OpenReservation>> ListOpenReservationsAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var open = new List<OpenReservation>();
        string filter = TableClient.CreateQueryFilter($"Kind eq {LedgerKinds.Reserve} and Settled eq {""} and At lt {before}");
        await foreach (TableEntity entity in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            int bar = entity.PartitionKey.LastIndexOf('|');
            if (bar > 0 && entity.GetString("JobId") is { } jobId)
            {
                open.Add(new OpenReservation(entity.PartitionKey[..bar], entity.PartitionKey[(bar + 1)..], jobId, entity.GetDateTimeOffset("At") ?? before));
            }
        }

        return open;
    }

    private static string Partition(string tenant, string month) => $"{tenant}|{month}";

    private static string EntryRow(string jobId, string kind) => $"job|{jobId}|{kind}";

    private TableEntity Entry(string partition, string row, string kind, string? jobId, string? operation, long credits) => new(partition, row)
    {
        ["Kind"] = kind,
        ["JobId"] = jobId,
        ["Operation"] = operation,
        ["Credits"] = credits,
        ["At"] = clock.GetUtcNow(),
    };

    private static TableEntity ToEntity(LedgerBalance balance) => new(Partition(balance.Tenant, balance.Month), BalanceRow)
    {
        ["Granted"] = balance.Granted,
        ["Reserved"] = balance.Reserved,
        ["Spent"] = balance.Spent,
        ["Active"] = balance.Active,
        ["Json"] = JsonSerializer.Serialize(balance, StorageJson.Options),
    };

    private static LedgerBalance ToBalance(TableEntity entity) =>
        JsonSerializer.Deserialize<LedgerBalance>(entity.GetString("Json"), StorageJson.Options)
        ?? throw new InvalidDataException($"Ledger {entity.PartitionKey} has an empty balance.");

    private static Dictionary<string, OperationUsage> Count(
        IReadOnlyDictionary<string, OperationUsage> operations, string operation, Func<OperationUsage, OperationUsage> change)
    {
        var counts = new Dictionary<string, OperationUsage>(operations, StringComparer.Ordinal);
        counts[operation] = change(counts.TryGetValue(operation, out OperationUsage? usage) ? usage : new OperationUsage(0, 0, 0, 0));
        return counts;
    }
}
