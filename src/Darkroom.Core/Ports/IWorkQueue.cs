namespace Darkroom.Core.Ports;

/// <summary>The queue the local runner's workers take jobs from; a message invisible while leased, visible again if its worker dies.</summary>
public interface IWorkQueue
{
    Task EnqueueAsync(WorkItem item, CancellationToken cancellationToken);

    /// <summary>Enqueues an item that becomes visible only after <paramref name="delay"/> (a parked workflow's next attempt).</summary>
    Task EnqueueAsync(WorkItem item, TimeSpan delay, CancellationToken cancellationToken);

    /// <summary>The next message, leased; null when the queue is empty.</summary>
    /// <exception cref="PoisonMessageException">The next message was not a work item; it has been moved to the poison queue.</exception>
    Task<WorkLease?> ReceiveAsync(TimeSpan visibility, CancellationToken cancellationToken);

    Task<WorkLease> RenewAsync(WorkLease lease, TimeSpan visibility, CancellationToken cancellationToken);

    Task CompleteAsync(WorkLease lease, CancellationToken cancellationToken);

    /// <summary>Hands the message back at once (on shutdown), so another worker resumes it without waiting for the lease to lapse.</summary>
    Task ReleaseAsync(WorkLease lease, CancellationToken cancellationToken);

    /// <summary>Moves the message to the poison queue.</summary>
    Task DeadLetterAsync(WorkLease lease, CancellationToken cancellationToken);

    /// <summary>About how many messages wait (visible or not yet), for the queue-depth metric.</summary>
    Task<long> ApproximateDepthAsync(CancellationToken cancellationToken);
}

/// <param name="Failures">How many runs of this job failed at the host boundary (not how often it was picked up: a
/// process that died mid-job is not the job's failure).</param>
public sealed record WorkItem(string Tenant, string JobId, int Failures = 0)
{
    /// <summary>Whether a decoded message names a job at all (a valid tenant name, a well-formed job id).</summary>
    public bool IsWellFormed => Accounts.TenantNames.IsValid(Tenant) && Jobs.JobIds.IsValid(JobId) && Failures is >= 0 and < 1000;
}

/// <summary>A queue message that is not a work item; it was set aside with its reason, and the worker goes on.</summary>
public sealed class PoisonMessageException(string messageId, string reason) : Exception($"Queue message {messageId} is not a work item: {reason}")
{
    public string MessageId { get; } = messageId;

    public string Reason { get; } = reason;
}

public sealed record WorkLease(WorkItem Item, string MessageId, string PopReceipt, long DequeueCount);
