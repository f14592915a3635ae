using System.ComponentModel.DataAnnotations;

namespace Darkroom.Server.Runner;

/// <summary>The local durable runner, bound from <c>Darkroom:Runner</c>.</summary>
public sealed class RunnerOptions
{
    public const string Section = "Darkroom:Runner";

    /// <summary>Jobs one process runs at once.</summary>
    [Range(0, 64)]
    public int Concurrency { get; set; } = 2;

    /// <summary>
    /// How long a taken message stays invisible; the worker renews it at half this while it works. After a process
    /// dies its jobs come back to other workers within this (plus a poll), so it is short: 20 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Longest wait between polls of an empty queue.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A retry delay longer than this (a webhook's 8 s, 32 s, 2 min) does not hold a worker: the call is parked in its
    /// checkpoint and the job re-queued to become visible when the next attempt is due, as Durable timers do in Azure.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ParkRetriesLongerThan { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the inbox container is polled for blob drops; zero turns blob drop off.</summary>
    public TimeSpan InboxPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// After this many pick-ups of one message a job is failed and its message moved to the poison queue: the guard
    /// against a job that takes its process down every time. A pick-up after a crash is not a failure, so this is
    /// higher than <see cref="MaxFailures"/>.
    /// </summary>
    [Range(1, 100)]
    public int MaxDequeueCount { get; set; } = 10;

    /// <summary>
    /// When no job has run for this long after some did, the process compacts its heap and returns free native memory
    /// to the system (<see cref="MemoryReturn"/>); zero turns that off. The job after a trim faults its buffers in
    /// again (about 1 s more for a cut-out here), so the wait is long enough that a steady trickle of jobs keeps them.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan TrimAfterIdle { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>After this many failed runs (an error at the host boundary, counted on the message) a job is failed.</summary>
    [Range(1, 100)]
    public int MaxFailures { get; set; } = 5;
}
