using Darkroom.Api;
using Darkroom.Api.Jobs;
using Darkroom.Core.Ports;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Darkroom.Server.Runner;

/// <summary>
/// The server's blob trigger: polls the inbox container page by page and hands each drop to <see cref="InboxIntake"/>.
/// A pass takes one page and the next pass goes on from there (back to the start at the end), so names that stay in
/// the inbox (quarantined, deferred) never block the ones behind them. What was started is recorded by the intake's
/// idempotency key (blob name + ETag), so a restart neither loses nor repeats a drop.
/// </summary>
internal sealed class InboxPoller(
    IArtifactStore artifacts,
    InboxIntake intake,
    IJobStarter starter,
    BackgroundLoops health,
    IOptions<RunnerOptions> options,
    TimeProvider clock,
    ILogger<InboxPoller> logger) : BackgroundService
{
    public const string LoopName = "inbox-poller";
    private const int PageSize = 50;
    private const int RememberedQuarantines = 10_000;

    /// <summary>Unsafe names already recorded: skipped without a storage call until the process restarts.</summary>
    private readonly HashSet<string> _quarantined = new(StringComparer.Ordinal);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.InboxPollInterval <= TimeSpan.Zero
            ? Task.CompletedTask
            : Supervisor.RunAsync(LoopName, PollAsync, health, logger, clock, stoppingToken);

    private async Task PollAsync(CancellationToken stoppingToken)
    {
        string? continuation = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                ArtifactPage page = await artifacts.ListPageAsync(ArtifactPaths.Inbox, "", continuation, PageSize, stoppingToken);
                foreach (string name in page.Names.Where(n => !_quarantined.Contains(n)))
                {
                    await TakeAsync(name, stoppingToken);
                }

                continuation = page.Continuation;
            }
            catch (global::Azure.RequestFailedException ex)
            {
                logger.QueueUnavailable(ex);
                continuation = null;
            }

            if (continuation is null)
            {
                await Task.Delay(options.Value.InboxPollInterval, clock, stoppingToken);
            }
        }
    }

    private async Task TakeAsync(string name, CancellationToken stoppingToken)
    {
        try
        {
            DropOutcome outcome = await intake.AcceptAsync($"{ArtifactPaths.Inbox}/{name}", starter, stoppingToken);
            if (outcome.Disposition == DropDisposition.Quarantined)
            {
                health.PoisonInput(LoopName);
                if (_quarantined.Count < RememberedQuarantines)
                {
                    _quarantined.Add(name);
                }
            }

            if (outcome.Disposition != DropDisposition.Gone)
            {
                string blob = BlobNames.Printable(outcome.InboxBlob);
                logger.DropAccepted(blob, outcome.Disposition, outcome.JobId, outcome.Error?.Code);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // One drop's unexpected failure (storage hiccup, a bug) must not stop the others: it stays for a later pass.
            string blob = BlobNames.Printable($"{ArtifactPaths.Inbox}/{name}");
            logger.DropFailed(ex, blob);
        }
    }
}
