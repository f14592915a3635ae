using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;

namespace Darkroom.Bench;

/// <summary>
/// ISNet's ONNX Runtime session alone under each memory setting (graph level, CPU arena, memory pattern), each in a
/// fresh child process so peaks do not mix: resident after load, peak over three passes on a 1024x1024 input,
/// resident after them, and time per pass. This is how the defaults in <c>InferenceOptions</c> were chosen.
/// </summary>
internal static class SessionMemoryBench
{
    private static readonly (string Level, bool Arena, bool Pattern)[] Settings =
    [
        ("all", true, true), ("all", false, true), ("all", false, false),
        ("extended", true, false), ("extended", false, true), ("extended", false, false),
    ];

    public static int Run(string modelDirectory)
    {
        string model = Path.GetFullPath(Path.Combine(modelDirectory, "isnet-fp32.onnx"));
        Console.WriteLine($"ISNet fp32 session, {Environment.ProcessorCount} threads, three passes each; one process per row");
        Console.WriteLine("| graph level | CPU arena | memory pattern | RSS loaded | peak in passes | RSS after | ms per pass |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach ((string level, bool arena, bool pattern) in Settings)
        {
            var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (string argument in new[] { typeof(SessionMemoryBench).Assembly.Location, "--session-memory-one", model, level, arena ? "1" : "0", pattern ? "1" : "0" })
            {
                start.ArgumentList.Add(argument);
            }

            using Process child = Process.Start(start)!;
            Console.WriteLine(child.StandardOutput.ReadToEnd().TrimEnd());
            child.WaitForExit();
        }

        return 0;
    }

    /// <summary>One row, in this (child) process.</summary>
    public static int RunOne(string model, string level, bool arena, bool pattern)
    {
        using var options = new SessionOptions
        {
            EnableCpuMemArena = arena,
            EnableMemoryPattern = pattern,
            GraphOptimizationLevel = level == "all" ? GraphOptimizationLevel.ORT_ENABLE_ALL : GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
            IntraOpNumThreads = Environment.ProcessorCount,
        };
        using var session = new InferenceSession(model, options);
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
            $"| {level} | {(arena ? "on" : "off")} | {(pattern ? "on" : "off")} | {loaded / 1024} MiB | {ProcStatus.PeakKiB(Environment.ProcessId) / 1024} MiB | {ProcStatus.RssKiB(Environment.ProcessId) / 1024} MiB | {stopwatch.ElapsedMilliseconds / 3} |"));
        return 0;
    }
}
