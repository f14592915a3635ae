using Darkroom.Core.Accounts;

namespace Darkroom.Core.Ports;

/// <summary>
/// The credits ledger (the Usage table): a month's grant, and each job's reserve, then commit or release. Every
/// entry is keyed (tenant + month, job id + kind) and written with optimistic concurrency, so repeating any call,
/// from a retry or a replayed workflow, changes nothing the second time.
/// </summary>
public interface ICreditLedger
{
    /// <summary>The month's balance, granting <paramref name="monthlyGrant"/> first if this month has no grant yet.</summary>
    Task<LedgerBalance> GetAsync(string tenant, string month, long monthlyGrant, CancellationToken cancellationToken);

    Task<ReserveOutcome> ReserveAsync(ReserveRequest request, CancellationToken cancellationToken);

    /// <summary>Settles a job's reservation as <see cref="LedgerKinds.Commit"/> or <see cref="LedgerKinds.Release"/>; false when it was already settled (or never reserved).</summary>
    Task<bool> SettleAsync(string tenant, string month, string jobId, string kind, CancellationToken cancellationToken);

    /// <summary>Reservations not yet committed or released, made before <paramref name="before"/>, across every tenant and month.</summary>
    Task<IReadOnlyList<OpenReservation>> ListOpenReservationsAsync(DateTimeOffset before, CancellationToken cancellationToken);

    Task<IReadOnlyList<LedgerEntry>> EntriesAsync(string tenant, string month, CancellationToken cancellationToken);
}

public sealed record OpenReservation(string Tenant, string Month, string JobId, DateTimeOffset At);
