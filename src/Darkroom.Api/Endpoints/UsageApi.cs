using Darkroom.Api.Jobs;
using Darkroom.Core.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Darkroom.Api.Endpoints;

/// <summary>The caller's month: plan, credits granted, spent, held and left, when they renew, and counts per operation.</summary>
public sealed record UsageView(
    string Tenant,
    string Plan,
    string Month,
    long Quota,
    long Used,
    long Reserved,
    long Remaining,
    DateTimeOffset ResetAt,
    int ActiveJobs,
    int MaxConcurrentJobs,
    int RequestsPerMinute,
    IReadOnlyDictionary<string, long> Costs,
    IReadOnlyDictionary<string, OperationUsage> Operations);

/// <summary>GET /api/v1/usage.</summary>
public static class UsageApi
{
    public static IEndpointRouteBuilder MapUsageApi(this IEndpointRouteBuilder app)
    {
        app.MapGet($"{JobsApi.BasePath}/usage", GetUsage).WithTags("Accounts").ProducesProblem(401);
        return app;
    }

    public static async Task<Ok<UsageView>> GetUsage(
        HttpContext context, Caller caller, Credits credits, IOptions<AuthOptions> auth, CancellationToken cancellationToken)
    {
        Account account = (await caller.KeyOfAsync(context)).ToAccount();
        LedgerBalance balance = await credits.BalanceAsync(account, cancellationToken);
        PlanLimits limits = auth.Value.LimitsOf(account.Plan);
        return TypedResults.Ok(new UsageView(
            account.Tenant,
            account.Plan,
            balance.Month,
            balance.Granted,
            balance.Spent,
            balance.Reserved,
            balance.Available,
            BillingMonth.ResetAt(balance.Month),
            balance.Active,
            limits.MaxConcurrentJobs,
            limits.RequestsPerMinute,
            auth.Value.Costs,
            balance.Operations));
    }
}
