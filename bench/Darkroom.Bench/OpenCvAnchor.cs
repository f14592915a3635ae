using System.Diagnostics;
using Darkroom.Testing;

namespace Darkroom.Bench;

/// <summary>Runs one of the OpenCV anchor scripts in bench/ with Debian's python3 (python3-opencv) and returns its lines.</summary>
internal static class OpenCvAnchor
{
    /// <returns>Tab-separated fields of each output line; null (with the reason on stderr) when the script failed.</returns>
    public static string[][]? Run(string script, params string[] args)
    {
        var python = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        python.ArgumentList.Add(Path.Combine(RepoPaths.RepoRoot, "bench", script));
        foreach (string arg in args)
        {
            python.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(python)!;
        string output = process.StandardOutput.ReadToEnd();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            Console.Error.WriteLine($"OpenCV anchor {script} failed (apt-get install python3-opencv): {errors}");
            return null;
        }

        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t'))];
    }
}
