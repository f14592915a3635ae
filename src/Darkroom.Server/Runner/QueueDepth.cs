using Darkroom.Core.Ports;
using Darkroom.Core.Telemetry;
using Microsoft.Extensions.Hosting;

namespace Darkroom.Server.Runner;

/// <summary>
/// The job queue's depth as a gauge (<c>darkroom.queue.depth</c>), read from storage every 15 s by a background loop so
/// a scrape never waits on storage.
/// </summary>
internal sealed class QueueDepth(IWorkQueue queue, TimeProvider clock) : BackgroundService
{
    private long _depth;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        DarkroomTelemetry.Meter.CreateObservableGauge("darkroom.queue.depth", () => Interlocked.Read(ref _depth), "{message}", "Jobs waiting in the queue (approximate, sampled every 15 s)");
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(15), clock);
        do
        {
            try
            {
                Interlocked.Exchange(ref _depth, await queue.ApproximateDepthAsync(stoppingToken));
            }
            catch (global::Azure.RequestFailedException)
            {
                // Storage unreachable: the gauge keeps its last value; health reports storage.
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
