using System.Diagnostics;
using Darkroom.Core.Ports;
using Darkroom.Core.Workflow;

namespace Darkroom.Pipeline.Activities;

/// <summary>Commits or releases the job's reserved credits; the ledger makes a repeat (retry, replay) a no-op.</summary>
public sealed class SettleActivity(ICreditLedger ledger) : IActivity<SettleRequest, SettleResult>
{
    public async Task<SettleResult> RunAsync(SettleRequest request, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        bool applied = await ledger.SettleAsync(request.Tenant, request.Charge.Month, request.JobId, request.Kind, cancellationToken);
        return new SettleResult(applied, stopwatch.ElapsedMilliseconds);
    }
}
