using System.Globalization;

namespace Darkroom.Bench;

/// <summary>A process's memory from <c>/proc/PID/status</c>, in KiB: resident now (VmRSS) and its peak (VmHWM).</summary>
internal static class ProcStatus
{
    public static long RssKiB(int pid) => Field(pid, "VmRSS:");

    public static long PeakKiB(int pid) => Field(pid, "VmHWM:");

    /// <summary>Resets the peak to the current resident size (Linux 4.0+), so a mode's peak is its own.</summary>
    public static void ResetPeak(int pid) => File.WriteAllText($"/proc/{pid}/clear_refs", "5");

    private static long Field(int pid, string field)
    {
        string path = pid == Environment.ProcessId ? "/proc/self/status" : $"/proc/{pid}/status";
        string? line = File.Exists(path) ? File.ReadLines(path).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal)) : null;
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
}
