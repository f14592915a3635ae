using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using NetVips;

namespace Darkroom.Bench;

/// <summary>
/// Sustained mixed load through HTTP against a running server: cut-outs, watermark removals (auto mask, a tiled
/// text mark drawn here) and classifications (each photo's bytes made unique so the cache does not answer), a fixed
/// number in flight. Prints the server's RSS every 50 jobs, after the last, and after an idle wait; the verdict
/// compares RSS after the idle wait with RSS after the first 50 jobs (target: within 10 %).
/// </summary>
internal static class SoakBench
{
    private static readonly string[] Photos = ["astronaut.jpg", "chelsea.jpg", "coffee.jpg"];

    public static async Task<int> RunAsync(string url, int pid, string key, int jobs, int inFlight, int idleSeconds)
    {
        byte[][] photos = [.. Photos.Select(f => File.ReadAllBytes(Darkroom.Testing.RepoPaths.TestData(f)))];
        byte[][] marked = [.. photos.Select(Marked)];
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Add("X-API-Key", key);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"soak: {jobs} mixed jobs (cut-out, watermark, classify in turn), {inFlight} in flight, against {url} (pid {pid})"));
        Console.WriteLine($"RSS at start: {ProcStatus.RssKiB(pid) / 1024} MiB");
        int next = 0, done = 0, failed = 0;
        long? afterFirst50 = null;
        var total = Stopwatch.StartNew();
        var counts = new Dictionary<string, List<double>> { ["cutout"] = [], ["watermark"] = [], ["classify"] = [] };
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
        {
            while (true)
            {
                int n = Interlocked.Increment(ref next) - 1;
                if (n >= jobs)
                {
                    return;
                }

                (string kind, string route, byte[] image) = (n % 3) switch
                {
                    0 => ("cutout", "/api/v1/remove-background?wait=300", photos[n / 3 % photos.Length]),
                    1 => ("watermark", "/api/v1/remove-watermark?wait=300", marked[n / 3 % marked.Length]),
                    _ => ("classify", "/api/v1/classify", Unique(photos[n / 3 % photos.Length], n)),
                };
                var one = Stopwatch.StartNew();
                using var form = new MultipartFormDataContent();
                var file = new ByteArrayContent(image);
                file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                form.Add(file, "image", kind + ".jpg");
                using HttpResponseMessage response = await http.PostAsync(route, form);
                await response.Content.ReadAsByteArrayAsync();
                lock (counts)
                {
                    counts[kind].Add(one.Elapsed.TotalMilliseconds);
                    if (!response.IsSuccessStatusCode)
                    {
                        failed++;
                        Console.WriteLine($"  job {n} ({kind}): HTTP {(int)response.StatusCode}");
                    }

                    done++;
                    if (done % 50 == 0)
                    {
                        long rss = ProcStatus.RssKiB(pid);
                        afterFirst50 ??= rss;
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  after {done,4} jobs ({total.Elapsed.TotalSeconds,6:0} s): RSS {rss / 1024} MiB, peak {ProcStatus.PeakKiB(pid) / 1024} MiB"));
                    }
                }
            }
        }));

        long end = ProcStatus.RssKiB(pid);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"done: {done} jobs in {total.Elapsed.TotalSeconds:0} s ({done / total.Elapsed.TotalSeconds:0.00} jobs/s), {failed} failed; RSS {end / 1024} MiB"));
        foreach ((string kind, List<double> latencies) in counts)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {kind}: {latencies.Count} jobs, mean {(latencies.Count == 0 ? 0 : latencies.Average()):0} ms"));
        }

        for (int waited = 0; waited < idleSeconds; waited += 30)
        {
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, idleSeconds - waited)));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  idle {Math.Min(idleSeconds, waited + 30)} s: RSS {ProcStatus.RssKiB(pid) / 1024} MiB"));
        }

        long idle = ProcStatus.RssKiB(pid);
        long baseline = afterFirst50 ?? end;
        double ratio = (double)idle / baseline;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RSS after first 50: {baseline / 1024} MiB; after the soak and {idleSeconds} s idle: {idle / 1024} MiB = {ratio:0.00}x ({(ratio <= 1.10 ? "no growth kept" : "GREW")}; {(Math.Abs(ratio - 1) <= 0.10 ? "within" : "not within")} ±10 %); peak {ProcStatus.PeakKiB(pid) / 1024} MiB"));
        return failed == 0 ? 0 : 1;
    }

    /// <summary>The photo with "© SAMPLE" tiled diagonally in white at 50 %, as JPEG.</summary>
    private static byte[] Marked(byte[] photo)
    {
        using Image image = Image.NewFromBuffer(photo);
        using Image text = Image.Text("© SAMPLE", font: "sans bold", dpi: 110);
        using Image cell = text.Embed(10, 30, text.Width + 60, text.Height + 80);
        using Image rotated = cell.Rotate(30);
        using Image tiled = rotated.Replicate((image.Width / rotated.Width) + 1, (image.Height / rotated.Height) + 1).Crop(0, 0, image.Width, image.Height);
        using Image a = tiled.Cast(Enums.BandFormat.Float) * (0.5 / 255);
        using Image blended = (image * (1.0 - a)) + (a * 255.0);
        using Image result = blended.Cast(Enums.BandFormat.Uchar);
        return result.JpegsaveBuffer(q: 92);
    }

    /// <summary>The photo with one pixel changed by the job number, so its SHA-256 is new and the classify cache misses.</summary>
    private static byte[] Unique(byte[] photo, int n)
    {
        using Image image = Image.NewFromBuffer(photo);
        using Image copy = image.Copy();
        using Image drawn = copy.Mutate(m => m.DrawRect([n % 256, n / 256 % 256, 7], 0, 0, 1, 1, fill: true));
        return drawn.PngsaveBuffer(compression: 1);
    }
}
