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
    // One gauge for the process, reading the latest sample: several hosts in one process (the tests) share it
    // instead of each adding a gauge to the shared meter.
    private static long s_depth;

    private static readonly System.Diagnostics.Metrics.ObservableGauge<long> Gauge =
        DarkroomTelemetry.Meter.CreateObservableGauge("darkroom.queue.depth", () => Interlocked.Read(ref s_depth), "{message}", "Jobs waiting in the queue (approximate, sampled every 15 s)");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _ = Gauge.Enabled;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(15), clock);
        do
        {
            try
            {
                Interlocked.Exchange(ref s_depth, await queue.ApproximateDepthAsync(stoppingToken));
            }
            catch (global::Azure.RequestFailedException)
            {
                // Storage unreachable: the gauge keeps its last value; health reports storage.
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
