using Darkroom.Core.Accounts;
using Darkroom.Core.Errors;
using Darkroom.Core.Ports;
using Microsoft.Extensions.Options;

namespace Darkroom.Api.Jobs;

/// <summary>The plan's side of the ledger: what an operation costs, and whether a tenant may start one more job now.</summary>
public sealed class Credits(ICreditLedger ledger, IOptions<AuthOptions> auth, TimeProvider clock)
{
    /// <summary>How long a caller refused for concurrency should wait before trying again.</summary>
    public static readonly TimeSpan ConcurrencyRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>The limits of the caller's plan.</summary>
    public PlanLimits LimitsOf(Account account) => auth.Value.LimitsOf(account.Plan);

    /// <summary>Holds the operation's cost for the job; null when it costs nothing. Throws 402 or 429 when the plan says no.</summary>
    public async Task<Charge?> ReserveAsync(Account account, string jobId, string operation, CancellationToken cancellationToken)
    {
        long cost = auth.Value.CostOf(operation);
        if (cost <= 0)
        {
            return null;
        }

        PlanLimits limits = auth.Value.LimitsOf(account.Plan);
        string month = BillingMonth.Of(clock.GetUtcNow());
        ReserveOutcome outcome = await ledger.ReserveAsync(
            new ReserveRequest(account.Tenant, month, jobId, operation, cost, limits.MonthlyCredits, limits.MaxConcurrentJobs), cancellationToken);
        return outcome.Status switch
        {
            ReserveStatus.Reserved or ReserveStatus.AlreadyReserved => new Charge(month, cost),
            ReserveStatus.TooManyActive => throw new DarkroomException(
                ErrorCodes.ConcurrencyLimited,
                429,
                $"The {account.Plan} plan runs {limits.MaxConcurrentJobs} jobs at a time and {outcome.Balance.Active} are running; retry when one finishes.")
            {
                RetryAfter = ConcurrencyRetryAfter,
            },
            _ => throw QuotaExceeded(account, outcome.Balance, cost),
        };
    }

    /// <summary>Gives a reservation back (a submission that did not go through); a no-op when already settled.</summary>
    public Task ReleaseAsync(string tenant, string jobId, Charge charge) =>
        ledger.SettleAsync(tenant, charge.Month, jobId, LedgerKinds.Release, CancellationToken.None);

    /// <summary>Charges work done on the spot (no job to wait for): reserve and commit under one key.</summary>
    public async Task ChargeNowAsync(Account account, string requestId, string operation, CancellationToken cancellationToken)
    {
        if (await ReserveAsync(account, requestId, operation, cancellationToken) is { } charge)
        {
            await ledger.SettleAsync(account.Tenant, charge.Month, requestId, LedgerKinds.Commit, CancellationToken.None);
        }
    }

    /// <summary>This month's balance for the caller (granting the month's credits if this is its first call).</summary>
    public Task<LedgerBalance> BalanceAsync(Account account, CancellationToken cancellationToken) =>
        ledger.GetAsync(account.Tenant, BillingMonth.Of(clock.GetUtcNow()), auth.Value.LimitsOf(account.Plan).MonthlyCredits, cancellationToken);

    private static DarkroomException QuotaExceeded(Account account, LedgerBalance balance, long cost)
    {
        DateTimeOffset reset = BillingMonth.ResetAt(balance.Month);
        return new DarkroomException(
            ErrorCodes.QuotaExceeded,
            402,
            $"This costs {cost} credit(s) and {balance.Available} of the {account.Plan} plan's {balance.Granted} for {balance.Month} remain "
            + $"({balance.Spent} spent, {balance.Reserved} held by running jobs); credits renew at {reset:yyyy-MM-ddTHH:mm:ssZ}.")
        {
            Details = new Dictionary<string, object?>
            {
                ["resetAt"] = reset,
                ["remaining"] = balance.Available,
                ["cost"] = cost,
            },
        };
    }
}
