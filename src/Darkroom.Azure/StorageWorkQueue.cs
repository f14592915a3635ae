using System.Text.Json;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Darkroom.Core.Ports;

namespace Darkroom.Azure;

/// <summary><see cref="IWorkQueue"/> on an Azure Storage queue, with a "-poison" queue beside it.</summary>
public sealed class StorageWorkQueue(StorageClients clients) : IWorkQueue
{
    private QueueClient Queue => clients.Queue(clients.JobQueueName);

    public async Task EnqueueAsync(WorkItem item, CancellationToken cancellationToken) =>
        await Queue.SendMessageAsync(JsonSerializer.Serialize(item, StorageJson.Options), cancellationToken);

    public async Task EnqueueAsync(WorkItem item, TimeSpan delay, CancellationToken cancellationToken) =>
        await Queue.SendMessageAsync(
            JsonSerializer.Serialize(item, StorageJson.Options),
            visibilityTimeout: delay <= TimeSpan.Zero ? null : TimeSpan.FromTicks(Math.Min(delay.Ticks, TimeSpan.FromDays(6).Ticks)),
            cancellationToken: cancellationToken);

    public async Task<WorkLease?> ReceiveAsync(TimeSpan visibility, CancellationToken cancellationToken)
    {
        QueueMessage? message = (await Queue.ReceiveMessageAsync(visibility, cancellationToken)).Value;
        if (message is null)
        {
            return null;
        }

        string? reason = null;
        WorkItem? item = null;
        try
        {
            item = JsonSerializer.Deserialize<WorkItem>(message.Body.ToString(), StorageJson.Options);
            reason = item is null ? "empty" : item.IsWellFormed ? null : "no valid tenant and job id";
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            reason = "not JSON";
        }

        if (reason is not null)
        {
            // Set the raw message aside (as it came) and take it off the work queue: it can never be a job.
            await clients.Queue(StorageNames.Poison(clients.JobQueueName)).SendMessageAsync(message.Body, cancellationToken: cancellationToken);
            await Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
            throw new PoisonMessageException(message.MessageId, reason);
        }

        return new WorkLease(item!, message.MessageId, message.PopReceipt, message.DequeueCount);
    }

    public async Task<WorkLease> RenewAsync(WorkLease lease, TimeSpan visibility, CancellationToken cancellationToken)
    {
        UpdateReceipt receipt = (await Queue.UpdateMessageAsync(lease.MessageId, lease.PopReceipt, visibilityTimeout: visibility, cancellationToken: cancellationToken)).Value;
        return lease with { PopReceipt = receipt.PopReceipt };
    }

    public async Task CompleteAsync(WorkLease lease, CancellationToken cancellationToken)
    {
        try
        {
            await Queue.DeleteMessageAsync(lease.MessageId, lease.PopReceipt, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // The lease lapsed and another worker holds the message; it will find the job finished and complete it.
        }
    }

    public async Task ReleaseAsync(WorkLease lease, CancellationToken cancellationToken) =>
        await Queue.UpdateMessageAsync(lease.MessageId, lease.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: cancellationToken);

    public async Task DeadLetterAsync(WorkLease lease, CancellationToken cancellationToken)
    {
        await clients.Queue(StorageNames.Poison(clients.JobQueueName)).SendMessageAsync(JsonSerializer.Serialize(lease.Item, StorageJson.Options), cancellationToken);
        await CompleteAsync(lease, cancellationToken);
    }

    public async Task<long> ApproximateDepthAsync(CancellationToken cancellationToken) =>
        (await Queue.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCountLong;
}
