using Darkroom.Core.Jobs;
using Darkroom.Core.Ports;

namespace Darkroom.Api.Jobs;

/// <summary>Waits for a job to reach a final state, polling the store with a gently growing interval.</summary>
public sealed class JobWaiter(IJobStore jobs, TimeProvider clock)
{
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan MaxPoll = TimeSpan.FromMilliseconds(250);

    /// <summary>The job once final, or its latest state when <paramref name="timeout"/> runs out; null if it was deleted.</summary>
    public async Task<JobRecord?> WaitAsync(string tenant, string jobId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        DateTimeOffset deadline = clock.GetUtcNow() + timeout;
        TimeSpan interval = FirstPoll;
        while (true)
        {
            JobRecord? job = await jobs.GetAsync(tenant, jobId, cancellationToken);
            if (job is null || job.Status.IsFinal())
            {
                return job;
            }

            TimeSpan left = deadline - clock.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                return job;
            }

            await Task.Delay(interval < left ? interval : left, clock, cancellationToken);
            interval = TimeSpan.FromTicks(Math.Min(MaxPoll.Ticks, interval.Ticks * 2));
        }
    }
}
