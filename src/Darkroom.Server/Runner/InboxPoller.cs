using Darkroom.Api.Jobs;
using Darkroom.Core.Ports;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Darkroom.Server.Runner;

/// <summary>
/// The server's blob trigger: polls the inbox container and hands each drop to <see cref="InboxIntake"/>. What was
/// started is recorded by the intake's idempotency key (blob name + ETag), so a restart neither loses nor repeats a drop.
/// </summary>
internal sealed class InboxPoller(
    IArtifactStore artifacts,
    InboxIntake intake,
    IJobStarter starter,
    IOptions<RunnerOptions> options,
    TimeProvider clock,
    ILogger<InboxPoller> logger) : BackgroundService
{
    private const int Batch = 50;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.InboxPollInterval <= TimeSpan.Zero)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (string blob in await artifacts.ListAsync(ArtifactPaths.Inbox, "", Batch, stoppingToken))
                {
                    DropOutcome? outcome = await intake.AcceptAsync(blob, starter, stoppingToken);
                    if (outcome is not null)
                    {
                        logger.DropAccepted(blob, outcome.JobId, outcome.Error?.Code);
                    }
                }

                await Task.Delay(options.Value.InboxPollInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (global::Azure.RequestFailedException ex)
            {
                logger.QueueUnavailable(ex);
                await Task.Delay(options.Value.InboxPollInterval, clock, stoppingToken);
            }
        }
    }
}
