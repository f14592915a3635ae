using Darkroom.Api;
using Microsoft.Extensions.Logging;

namespace Darkroom.Server.Runner;

/// <summary>
/// Keeps a background loop alive: a fault (anything but shutdown) is logged and reported to /health, and the loop
/// starts again after a back-off (1 s doubling to 30 s), so one bad input or outage never stops the host.
/// </summary>
internal static class Supervisor
{
    public static async Task RunAsync(string name, Func<CancellationToken, Task> loop, BackgroundLoops health, ILogger logger, TimeProvider clock, CancellationToken stoppingToken)
    {
        TimeSpan backoff = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            health.Running(name);
            try
            {
                await loop(stoppingToken);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The supervisor is the host boundary for its loop: log, report, and start it again.
                health.Faulted(name, ex);
                logger.LoopFaulted(ex, name, backoff);
            }

            try
            {
                await Task.Delay(backoff, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            backoff = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(30).Ticks, backoff.Ticks * 2));
        }
    }
}
