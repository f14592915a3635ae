using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Darkroom.Bench;

// Remove-background over a folder of images: in process (decode, segment, compose, encode, no storage) and,
// with --url, through the HTTP API of a running server. Prints images/s, mean and p95 latency, peak RSS.
// Usage: dotnet run -c Release --project bench/Darkroom.Bench -- <folder> [--repeat N] [--concurrency N]
//        [--model isnet] [--url http://localhost:7071] [--key <X-API-Key>] [--server-pid PID] [--models ./models]
//        or: dotnet run -c Release --project bench/Darkroom.Bench -- --inpaint [--repeat N]   (Telea vs cv2.inpaint)
//        or: dotnet run -c Release --project bench/Darkroom.Bench -- --watermark [--out DIR] [--models ./models]  (de-blending vs cv2 Telea)
//        or: dotnet run -c Release --project bench/Darkroom.Bench -- --throughput --url URL --server-pid PID [--no-anchor]  (against @imgly/background-removal-node)
//        or: dotnet run -c Release --project bench/Darkroom.Bench -- --session-memory [--models ./models]  (ISNet session memory per ORT setting)
//        or: dotnet run -c Release --project bench/Darkroom.Bench -- --soak --url URL --server-pid PID [--jobs 500] [--in-flight 4] [--idle 120]
//        or: dotnet run -c Release --project bench/Darkroom.Bench -- --cutout [--out DIR] [--per-type N] [--reuse] [--no-timing]  (ISNet vs refined, exact alpha)
//        or: dotnet run -c Release --project bench/Darkroom.Bench -- --classify-accuracy DIR --url URL [--route local-classify|classify]  (DIR/<category>/*)
if (args.Contains("--classify-accuracy"))
{
    int at = Array.IndexOf(args, "--classify-accuracy");
    BenchArgs run = BenchArgs.Parse(args);
    int route = Array.IndexOf(args, "--route");
    if (at + 1 >= args.Length || run.Url is null)
    {
        Console.Error.WriteLine("--classify-accuracy needs a labelled folder and --url.");
        return 2;
    }

    return await ClassifyAccuracyBench.RunAsync(args[at + 1], run.Url, run.Key, route >= 0 && route + 1 < args.Length ? args[route + 1] : "local-classify");
}

if (args.Contains("--watermark"))
{
    int keep = Array.IndexOf(args, "--out");
    int models = Array.IndexOf(args, "--models");
    return WatermarkBench.Run(keep >= 0 && keep + 1 < args.Length ? args[keep + 1] : null, models >= 0 && models + 1 < args.Length ? args[models + 1] : Path.Combine(Darkroom.Testing.RepoPaths.RepoRoot, "models"));
}

if (args.Contains("--cutout"))
{
    int keep = Array.IndexOf(args, "--out");
    int models = Array.IndexOf(args, "--models");
    int per = Array.IndexOf(args, "--per-type");
    return CutoutBench.Run(
        keep >= 0 && keep + 1 < args.Length ? args[keep + 1] : null,
        models >= 0 && models + 1 < args.Length ? args[models + 1] : Path.Combine(Darkroom.Testing.RepoPaths.RepoRoot, "models"),
        per >= 0 && per + 1 < args.Length ? int.Parse(args[per + 1], CultureInfo.InvariantCulture) : 10,
        reuse: args.Contains("--reuse"),
        timing: !args.Contains("--no-timing"));
}

if (args.Contains("--soak"))
{
    BenchArgs soak = BenchArgs.Parse(args);
    int Int(string name, int fallback) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    if (soak.Url is null || soak.ServerPid is null)
    {
        Console.Error.WriteLine("--soak needs --url and --server-pid.");
        return 2;
    }

    return await SoakBench.RunAsync(soak.Url, soak.ServerPid.Value, soak.Key, Int("--jobs", 500), Int("--in-flight", 4), Int("--idle", 120));
}

if (args.Contains("--session-memory-one"))
{
    int at = Array.IndexOf(args, "--session-memory-one");
    return SessionMemoryBench.RunOne(args[at + 1], args[at + 2], args[at + 3] == "1", args[at + 4] == "1", args.Length > at + 5 && args[at + 5] == "1", args.Length > at + 6 && args[at + 6] == "1");
}

if (args.Contains("--session-memory"))
{
    return SessionMemoryBench.Run(BenchArgs.Parse(args).ModelDirectory);
}

if (args.Contains("--throughput"))
{
    BenchArgs run = BenchArgs.Parse(args);
    if (run.Url is null || run.ServerPid is null)
    {
        Console.Error.WriteLine("--throughput needs --url and --server-pid.");
        return 2;
    }

    return await ThroughputBench.RunAsync(run.Url, run.ServerPid.Value, run.Key, anchor: !args.Contains("--no-anchor"));
}

if (args.Contains("--inpaint"))
{
    return InpaintBench.Run(BenchArgs.Parse(args).Repeat);
}

BenchArgs a = BenchArgs.Parse(args);
string[] files = [.. Directory.EnumerateFiles(a.Folder).Where(f => !f.EndsWith(".md", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal)];
if (files.Length == 0)
{
    Console.Error.WriteLine($"No images in {a.Folder}.");
    return 1;
}

byte[][] images = [.. files.Select(File.ReadAllBytes)];
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1 << 30)} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
Console.WriteLine($"images: {files.Length} from {a.Folder}, x{a.Repeat}, concurrency {a.Concurrency}, model {a.Model}");

using (var pipeline = InProcessPipeline.Create(a.ModelDirectory, a.Model))
{
    Stopwatch warm = Stopwatch.StartNew();
    await pipeline.RemoveBackgroundAsync(images[0]);
    Console.WriteLine($"in-process warm-up (model load + first image): {warm.ElapsedMilliseconds} ms");
    Report("in-process", await Measure(images, a, bytes => pipeline.RemoveBackgroundAsync(bytes)), Environment.ProcessId);
}

if (a.Url is not null)
{
    using var http = new HttpClient { BaseAddress = new Uri(a.Url), Timeout = TimeSpan.FromMinutes(5) };
    http.DefaultRequestHeaders.Add("X-API-Key", a.Key);
    Report("http", await Measure(images, a, async bytes =>
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "image", "image");
        using HttpResponseMessage response = await http.PostAsync("/api/v1/remove-background?wait=300", form);
        if ((int)response.StatusCode != 200)
        {
            throw new InvalidOperationException($"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return await response.Content.ReadAsByteArrayAsync();
    }), a.ServerPid);
}

return 0;

static async Task<(List<double> Latencies, double Seconds)> Measure(byte[][] images, BenchArgs a, Func<byte[], Task<byte[]>> run)
{
    var work = new Queue<byte[]>(Enumerable.Range(0, a.Repeat).SelectMany(_ => images));
    var latencies = new List<double>();
    var total = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, a.Concurrency).Select(async _ =>
    {
        while (true)
        {
            byte[] next;
            lock (work)
            {
                if (!work.TryDequeue(out next!))
                {
                    return;
                }
            }

            var one = Stopwatch.StartNew();
            await run(next);
            lock (latencies)
            {
                latencies.Add(one.Elapsed.TotalMilliseconds);
            }
        }
    }));
    return (latencies, total.Elapsed.TotalSeconds);
}

static void Report(string mode, (List<double> Latencies, double Seconds) m, int? pid)
{
    double[] sorted = [.. m.Latencies.Order()];
    double p95 = sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(sorted.Length * 0.95) - 1)];
    string rss = pid is int p ? PeakRss(p) : "n/a (pass --server-pid)";
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{mode}: {sorted.Length} images in {m.Seconds:0.00} s = {sorted.Length / m.Seconds:0.00} images/s; latency mean {sorted.Average():0} ms, p95 {p95:0} ms; peak RSS {rss}"));
}

static string PeakRss(int pid) => ProcStatus.PeakKiB(pid) is long kib and > 0 ? $"{kib / 1024} MiB (pid {pid})" : "unknown";
