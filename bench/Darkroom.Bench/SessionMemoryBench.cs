using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;

namespace Darkroom.Bench;

/// <summary>
/// ISNet's ONNX Runtime session alone under each memory setting (graph level, CPU arena, memory pattern), each in a
/// fresh child process so peaks do not mix: resident after load, peak over three passes on a 1024x1024 input,
/// resident after them, and time per pass. This is how the defaults in <c>InferenceOptions</c> were chosen. The last
/// rows run under the allocator settings the server is started with (<c>MemoryReturn.TuneAllocator</c>).
/// </summary>
internal static class SessionMemoryBench
{
    private static readonly (string Level, bool Arena, bool Pattern, bool KeepHeap, bool Parallel, bool Widen)[] Settings =
    [
        ("all", true, true, false, false, false), ("all", false, true, false, false, false), ("all", false, false, false, false, false),
        ("extended", true, false, false, false, false), ("extended", false, true, false, false, false), ("extended", false, false, false, false, false),
        ("all", false, false, true, false, false), ("extended", false, false, true, false, false),
        ("all", true, false, true, true, false),
        ("all", false, false, false, false, true), ("extended", false, false, true, false, true), ("all", false, false, true, false, true), ("all", true, false, true, false, true),
        ("all", true, false, true, true, true),
    ];

    /// <summary>The allocator settings <c>run.sh</c> gives the server, as glibc reads them at start.</summary>
    private static readonly (string Name, string Value)[] KeptHeap =
    [
        ("MALLOC_ARENA_MAX", "1"), ("MALLOC_MMAP_MAX_", "0"), ("MALLOC_TRIM_THRESHOLD_", "2147483647"),
    ];

    public static int Run(string modelDirectory)
    {
        string model = Path.GetFullPath(Path.Combine(modelDirectory, "isnet-fp32.onnx"));
        Console.WriteLine($"ISNet fp32 session, {Environment.ProcessorCount} threads, three passes each; one process per row");
        Console.WriteLine("| weights | graph level | CPU arena | memory pattern | executor | large blocks | RSS loaded | peak in passes | RSS after | ms per pass |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach ((string level, bool arena, bool pattern, bool keepHeap, bool parallel, bool widen) in Settings)
        {
            // The bench itself may run under the server's settings: each row sets or clears them.
            RunRow(model, [.. KeptHeap.Select(setting => (setting.Name, keepHeap ? setting.Value : null))], level, arena, pattern, parallel, widen);
        }

        // Last, the allocator run.sh prefers where it is installed: jemalloc, preloaded, with run.sh's settings.
        if (Darkroom.Inference.NativeHeap.InstalledJemalloc() is { } jemalloc)
        {
            RunRow(model, [.. KeptHeap.Select(setting => (setting.Name, (string?)null)), ("LD_PRELOAD", jemalloc), ("MALLOC_CONF", Darkroom.Inference.NativeHeap.JemallocSettings)], "all", false, false, false, true);
        }

        return 0;
    }

    private static void RunRow(string model, (string Name, string? Value)[] environment, string level, bool arena, bool pattern, bool parallel, bool widen)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach ((string name, string? value) in environment)
        {
            start.Environment[name] = value;
        }

        foreach (string argument in new[] { typeof(SessionMemoryBench).Assembly.Location, "--session-memory-one", model, level, arena ? "1" : "0", pattern ? "1" : "0", parallel ? "1" : "0", widen ? "1" : "0" })
        {
            start.ArgumentList.Add(argument);
        }

        using Process child = Process.Start(start)!;
        Console.WriteLine(child.StandardOutput.ReadToEnd().TrimEnd());
        child.WaitForExit();
    }

    /// <summary>One row, in this (child) process.</summary>
    /// <param name="parallel">ONNX Runtime's parallel executor on one inter-op thread per core (the anchor's setting), threads not spinning.</param>
    /// <param name="widen">The file (float16) loaded widened to float32, as the server does on the CPU (<c>HalfWidening</c>).</param>
    public static int RunOne(string model, string level, bool arena, bool pattern, bool parallel, bool widen)
    {
        using var options = new SessionOptions
        {
            EnableCpuMemArena = arena,
            EnableMemoryPattern = pattern,
            GraphOptimizationLevel = level == "all" ? GraphOptimizationLevel.ORT_ENABLE_ALL : GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
            IntraOpNumThreads = Environment.ProcessorCount,
            ExecutionMode = parallel ? ExecutionMode.ORT_PARALLEL : ExecutionMode.ORT_SEQUENTIAL,
            InterOpNumThreads = parallel ? Environment.ProcessorCount : 0,
        };
        if (parallel)
        {
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        }

        byte[]? widened = widen ? Darkroom.Inference.HalfWidening.Widen(File.ReadAllBytes(model), out _) : null;
        using InferenceSession session = widened is null ? new InferenceSession(model, options) : new InferenceSession(widened, options);
        widened = null;
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        // As the server does after a load: the graph's parsing scratch handed back before the first pass.
        Darkroom.Inference.NativeHeap.Trim();
        long loaded = ProcStatus.RssKiB(Environment.ProcessId);
        ProcStatus.ResetPeak(Environment.ProcessId);
        float[] input = new float[3 * 1024 * 1024];
        var stopwatch = Stopwatch.StartNew();
        for (int i = 0; i < 3; i++)
        {
            using OrtValue value = OrtValue.CreateTensorValueFromMemory(input, [1, 3, 1024, 1024]);
            using var run = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(run, ["input"], [value], ["output"]);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {(widen ? "float32 (widened)" : "float16 (as stored)")} | {level} | {(arena ? "on" : "off")} | {(pattern ? "on" : "off")} | {(parallel ? "parallel" : "sequential")} | {(Darkroom.Inference.NativeHeap.Jemalloc ? "jemalloc" : Environment.GetEnvironmentVariable("MALLOC_MMAP_MAX_") == "0" ? "kept in one heap" : "glibc default (mapped per block)")} | {loaded / 1024} MiB | {ProcStatus.PeakKiB(Environment.ProcessId) / 1024} MiB | {ProcStatus.RssKiB(Environment.ProcessId) / 1024} MiB | {stopwatch.ElapsedMilliseconds / 3} |"));
        return 0;
    }
}
