using Darkroom.Core.Ports;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Darkroom.Server.Runner;

/// <summary>
/// Takes jobs off the storage queue and runs them, keeping each message leased while it works. On shutdown an
/// unfinished job's message is handed straight back, so the next process resumes it from its checkpoints.
/// </summary>
internal sealed class QueueWorker(
    IWorkQueue queue,
    LocalWorkflowRunner runner,
    Darkroom.Api.BackgroundLoops health,
    WorkInFlight work,
    IOptions<RunnerOptions> options,
    TimeProvider clock,
    ILogger<QueueWorker> logger) : BackgroundService
{
    private readonly RunnerOptions _options = options.Value;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, _options.Concurrency)
            .Select(i => Supervisor.RunAsync($"queue-worker-{i}", LoopAsync, health, logger, clock, stoppingToken)));

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        TimeSpan idle = TimeSpan.FromMilliseconds(50);
        while (!stoppingToken.IsCancellationRequested)
        {
            WorkLease? lease;
            try
            {
                lease = await queue.ReceiveAsync(_options.LeaseDuration, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (global::Azure.RequestFailedException ex)
            {
                logger.QueueUnavailable(ex);
                lease = null;
            }
            catch (PoisonMessageException ex)
            {
                logger.PoisonMessage(ex.MessageId, ex.Reason);
                health.PoisonInput("queue");
                continue;
            }

            if (lease is null)
            {
                await DelayAsync(idle, stoppingToken);
                idle = TimeSpan.FromTicks(Math.Min(_options.MaxPollInterval.Ticks, idle.Ticks * 2));
                continue;
            }

            idle = TimeSpan.FromMilliseconds(50);
            work.Started();
            try
            {
                await ProcessAsync(lease, stoppingToken);
            }
            finally
            {
                work.Ended();
                MemoryReturn.AfterJob();
            }
        }
    }

    private async Task ProcessAsync(WorkLease lease, CancellationToken stoppingToken)
    {
        if (lease.DequeueCount > _options.MaxDequeueCount || lease.Item.Failures >= _options.MaxFailures)
        {
            await runner.AbandonAsync(lease.Item, lease.DequeueCount, stoppingToken);
            await queue.DeadLetterAsync(lease, stoppingToken);
            return;
        }

        using var renewing = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var holder = new LeaseHolder(lease);
        Task renewal = RenewAsync(holder, renewing.Token);
        try
        {
            await runner.RunAsync(lease.Item, stoppingToken);
            await renewing.CancelAsync();
            await renewal;
            await queue.CompleteAsync(holder.Lease, CancellationToken.None);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await renewing.CancelAsync();
            await renewal;
            await queue.ReleaseAsync(holder.Lease, CancellationToken.None);
            logger.JobHandedBack(lease.Item.JobId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Host boundary: the job is retried after a lease's wait, and this failure counted on a fresh message (a
            // message's own pick-up count would also count the times its process died). If even that cannot be
            // sent, the message stays leased and comes back after the lease.
            await renewing.CancelAsync();
            await renewal;
            logger.JobRunFailed(ex, lease.Item.JobId);
            try
            {
                await queue.EnqueueAsync(lease.Item with { Failures = lease.Item.Failures + 1 }, _options.LeaseDuration, CancellationToken.None);
                await queue.CompleteAsync(holder.Lease, CancellationToken.None);
            }
            catch (global::Azure.RequestFailedException requeue)
            {
                logger.QueueUnavailable(requeue);
            }
        }
    }

    private async Task RenewAsync(LeaseHolder holder, CancellationToken cancellationToken)
    {
        TimeSpan every = _options.LeaseDuration / 2;
        try
        {
            while (true)
            {
                await Task.Delay(every, clock, cancellationToken);
                holder.Lease = await queue.RenewAsync(holder.Lease, _options.LeaseDuration, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Renewal ends with the job.
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, clock, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private sealed class LeaseHolder(WorkLease lease)
    {
        public WorkLease Lease { get; set; } = lease;
    }
}
