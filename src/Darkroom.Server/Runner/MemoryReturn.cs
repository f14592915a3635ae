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
    /// The native allocator for this workload. Where jemalloc is installed <c>run.sh</c> (and the images) preload it,
    /// with a background thread returning freed pages: its peak with 2 jobs in flight is ~0.2 GiB below glibc's one heap
    /// (which keeps holes between the passes' blocks) at ~8 % fewer images/s (README, "Speed and memory"), and nothing
    /// here changes it. Otherwise, glibc: each forward pass allocates ~0.75 GiB of activations in blocks of 16–64 MiB;
    /// by default glibc maps every block above its threshold (at most 32 MiB) and any block over 64 MiB taken by a
    /// thread with an arena of its own, and unmaps it on free, so every pass faulted its memory in afresh, page by page
    /// (~250,000 faults, 1.3–1.9 s of kernel time a cut-out here). Started with one arena, no mapped blocks and no
    /// trimming while jobs run (<c>run.sh</c> sets <c>MALLOC_ARENA_MAX=1 MALLOC_MMAP_MAX_=0
    /// MALLOC_TRIM_THRESHOLD_=2147483647</c>), freed blocks are reused: a pass takes 1.95 s instead of 3.48 s
    /// (<c>bench --session-memory</c>), and <see cref="Trim"/> hands the memory back when the process is idle. glibc
    /// reads those only at start, before the runtime's first threads have arenas; set from inside the process, one
    /// arena and no mapped blocks measured slower than the default (threads kept the arenas they had, and blocks over
    /// 64 MiB in them were still mapped), so without them this only caps the arenas at two (each thread that allocates
    /// concurrently would otherwise get one, up to 8 per core, never merged). Call before the worker threads start.
    /// </summary>
    public static void TuneAllocator()
    {
        if (!OperatingSystem.IsLinux() || StartedWithAllocatorSettings)
        {
            return;
        }

        try
        {
            _ = mallopt(MArenaMax, 2);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl has no arenas to limit).
        }
    }

    /// <summary>
    /// Whether the process was started with an allocator set up for this workload: jemalloc preloaded (what
    /// <c>run.sh</c> and the images do where it is installed), or glibc with the settings above (it reads them only at start).
    /// </summary>
    public static bool StartedWithAllocatorSettings => Darkroom.Inference.NativeHeap.Jemalloc || Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") == "1";

    /// <summary>
    /// After a job, once the jobs since the last one have allocated <see cref="CollectEvery"/>: a full collection with
    /// the finalizers run in between. A libvips image left to its finalizer (an intermediate of a chain of operations)
    /// keeps the pixel arrays it was made from pinned and its native buffers alive until a gen-2 collection, which
    /// large-object traffic alone did not bring about: 45 cut-outs in a row left 24 arrays of 12–36 MB (576 MB) pinned
    /// and RSS rising ~150 MiB every nine jobs. Counting allocation rather than jobs keeps small jobs (classifications)
    /// from paying for blocking collections they do not need: after every job, these pauses in a test process holding
    /// many hosts delayed a loopback answer past its 1.5 s budget.
    /// </summary>
    public static void AfterJob()
    {
        long allocated = GC.GetTotalAllocatedBytes();
        long last = Interlocked.Read(ref s_collectedAt);
        if (allocated - last < CollectEvery || Interlocked.CompareExchange(ref s_collectedAt, allocated, last) != last)
        {
            return;
        }

        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);
    }

    /// <summary>Managed allocation between the collections <see cref="AfterJob"/> makes.</summary>
    private const long CollectEvery = 256L * 1024 * 1024;

    private static long s_collectedAt;

    /// <summary>One pass: compact the managed heap, then return glibc's free pages. Returns bytes of RSS given back.</summary>
    public static long Trim()
    {
        long before = Environment.WorkingSet;
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Darkroom.Inference.NativeHeap.Trim();

        return before - Environment.WorkingSet;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (OperatingSystem.IsLinux() && !StartedWithAllocatorSettings)
        {
            LogAllocatorDefaults(logger);
        }

        TimeSpan after = options.Value.TrimAfterIdle;
        if (after <= TimeSpan.Zero)
        {
            return;
        }

        // -1: the first quiet spell after start trims too, returning what loading and warming the models left free.
        long trimmedAt = -1, seen = work.Finished;
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

    [LoggerMessage(EventId = 5021, Level = LogLevel.Information, Message = "Started on glibc's allocator without MALLOC_ARENA_MAX=1 MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=2147483647 and without jemalloc (run.sh preloads jemalloc where it is installed, else sets those): forward passes may take up to 1.8x as long while glibc maps and unmaps their buffers")]
    private static partial void LogAllocatorDefaults(ILogger logger);

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int param, int value);
}
