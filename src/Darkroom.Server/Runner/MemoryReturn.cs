using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Darkroom.Server.Runner;

/// <summary>Jobs running in this process right now, so memory is handed back only when none is.</summary>
internal sealed class WorkInFlight
{
    private int _running;
    private long _finished;

    public int Running => Volatile.Read(ref _running);

    /// <summary>Jobs finished since start; a change tells the trimmer there was work since its last pass.</summary>
    public long Finished => Interlocked.Read(ref _finished);

    public void Started() => Interlocked.Increment(ref _running);

    public void Ended()
    {
        Interlocked.Decrement(ref _running);
        Interlocked.Increment(ref _finished);
    }
}

/// <summary>
/// Gives memory back to the operating system after a burst. The photos, tensors and libvips buffers of a job are
/// large native and large-object-heap allocations; once freed they stay in the process (glibc keeps freed pages in
/// its arenas, the GC keeps its segments) unless asked. When no job has run for <see cref="RunnerOptions.TrimAfterIdle"/>
/// this compacts the managed heap once and asks glibc to return its free pages (<c>malloc_trim</c>).
/// </summary>
internal sealed partial class MemoryReturn(WorkInFlight work, IOptions<RunnerOptions> options, TimeProvider clock, ILogger<MemoryReturn> logger) : BackgroundService
{
    /// <summary>
    /// glibc gives each thread that allocates concurrently an arena of its own (up to 8 per core) and never merges
    /// them: with libvips' and ONNX Runtime's worker threads that is the main source of memory that grows per job and
    /// is not returned. Two arenas keep the contention low on the few cores this runs on. Call before the threads start.
    /// </summary>
    public static void LimitArenas()
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                _ = mallopt(MArenaMax, 2);
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                // Not glibc (musl has no arenas to limit).
            }
        }
    }

    /// <summary>One pass: compact the managed heap, then return glibc's free pages. Returns bytes of RSS given back.</summary>
    public static long Trim()
    {
        long before = Environment.WorkingSet;
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (OperatingSystem.IsLinux())
        {
            try
            {
                _ = malloc_trim(0);
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                // Not glibc.
            }
        }

        return before - Environment.WorkingSet;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        TimeSpan after = options.Value.TrimAfterIdle;
        if (after <= TimeSpan.Zero)
        {
            return;
        }

        long trimmedAt = work.Finished, seen = work.Finished;
        DateTimeOffset quietSince = clock.GetUtcNow();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            long finished = work.Finished;
            if (work.Running > 0 || finished != seen)
            {
                seen = finished;
                quietSince = clock.GetUtcNow();
                continue;
            }

            if (finished != trimmedAt && clock.GetUtcNow() - quietSince >= after)
            {
                trimmedAt = finished;
                long returned = Trim();
                long resident = Environment.WorkingSet, heap = GC.GetGCMemoryInfo().HeapSizeBytes;
                LogTrimmed(logger, returned / (1024 * 1024), resident / (1024 * 1024), heap / (1024 * 1024));
            }
        }
    }

    private const int MArenaMax = -8;

    [LoggerMessage(EventId = 5020, Level = LogLevel.Information, Message = "Idle: returned {ReturnedMiB} MiB of memory; resident now {ResidentMiB} MiB, of it managed heap {HeapMiB} MiB")]
    private static partial void LogTrimmed(ILogger logger, long returnedMiB, long residentMiB, long heapMiB);

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int param, int value);

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int malloc_trim(nuint pad);
}
