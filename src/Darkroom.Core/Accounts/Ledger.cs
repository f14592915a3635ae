namespace Darkroom.Core.Accounts;

/// <summary>What one operation used in a month: jobs accepted, completed (charged) and refunded, and credits spent.</summary>
public sealed record OperationUsage(int Accepted, int Completed, int Refunded, long Credits);

/// <summary>A tenant's month: credits granted, held by running jobs, and spent; jobs in flight; per-operation counts.</summary>
public sealed record LedgerBalance(
    string Tenant,
    string Month,
    long Granted,
    long Reserved,
    long Spent,
    int Active,
    IReadOnlyDictionary<string, OperationUsage> Operations)
{
    public long Available => Granted - Reserved - Spent;
}

/// <summary>One ledger line: a monthly <c>reward</c>, or a job's <c>reserve</c>, <c>commit</c> or <c>release</c>.</summary>
public sealed record LedgerEntry(string Kind, string? JobId, string? Operation, long Credits, DateTimeOffset At);

public static class LedgerKinds
{
    public const string Reward = "reward";
    public const string Reserve = "reserve";
    public const string Commit = "commit";
    public const string Release = "release";
}

/// <summary>A job asking to hold credits: refused when the balance is short or the plan's concurrent jobs are all running.</summary>
public sealed record ReserveRequest(string Tenant, string Month, string JobId, string Operation, long Credits, long MonthlyGrant, int MaxActive);

public enum ReserveStatus
{
    Reserved,

    /// <summary>This job id already holds its reservation (a replayed request): nothing new was held.</summary>
    AlreadyReserved,
    InsufficientCredits,
    TooManyActive,
}

public sealed record ReserveOutcome(ReserveStatus Status, LedgerBalance Balance);
