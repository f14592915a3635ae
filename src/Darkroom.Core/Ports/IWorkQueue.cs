namespace Darkroom.Core.Ports;

/// <summary>The queue the local runner's workers take jobs from; a message invisible while leased, visible again if its worker dies.</summary>
public interface IWorkQueue
{
    Task EnqueueAsync(WorkItem item, CancellationToken cancellationToken);

    Task<WorkLease?> ReceiveAsync(TimeSpan visibility, CancellationToken cancellationToken);

    Task<WorkLease> RenewAsync(WorkLease lease, TimeSpan visibility, CancellationToken cancellationToken);

    Task CompleteAsync(WorkLease lease, CancellationToken cancellationToken);

    /// <summary>Hands the message back at once (on shutdown), so another worker resumes it without waiting for the lease to lapse.</summary>
    Task ReleaseAsync(WorkLease lease, CancellationToken cancellationToken);

    /// <summary>Moves the message to the poison queue.</summary>
    Task DeadLetterAsync(WorkLease lease, CancellationToken cancellationToken);
}

public sealed record WorkItem(string Tenant, string JobId);

public sealed record WorkLease(WorkItem Item, string MessageId, string PopReceipt, long DequeueCount);
