using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Darkroom.Core.Classification;

namespace Darkroom.Bench;

/// <summary>
/// Per-category accuracy of a running server's classifier on a labelled folder: <c>DIR/&lt;category&gt;/*</c>, one
/// sub-folder per category name (pets, foods, …). Each photo goes through HTTP (<c>/api/v1/local-classify</c> by
/// default: the local chain only, no remote call; or <c>/api/v1/classify</c>); prints each category's accuracy, what its
/// misses became, the models that decided, and overall accuracy. Photos the cache has seen answer from the cache.
/// </summary>
internal static class ClassifyAccuracyBench
{
    public static async Task<int> RunAsync(string folder, string url, string key, string route)
    {
        if (!Directory.Exists(folder))
        {
            Console.Error.WriteLine($"No folder {folder}: give a folder with one sub-folder per category ({string.Join(", ", Categories.All)}).");
            return 2;
        }

        string[] labels = [.. Directory.EnumerateDirectories(folder).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];
        string[] unknown = [.. labels.Where(l => !Categories.IsKnown(l))];
        if (labels.Length == 0 || unknown.Length > 0)
        {
            Console.Error.WriteLine($"Sub-folders must be category names ({string.Join(", ", Categories.All)}); found: {string.Join(", ", unknown.DefaultIfEmpty("none"))}.");
            return 2;
        }

        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Add("X-API-Key", key);
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Console.WriteLine($"classify accuracy: {folder} through {url}/api/v1/{route}");
        Console.WriteLine($"{"category",-18} {"n",4} {"right",6} {"accuracy",9}  misses became / models that decided");
        int total = 0, right = 0;
        var photoStep = new HashSet<string>(StringComparer.Ordinal);
        foreach (string label in labels)
        {
            string[] files = [.. Directory.EnumerateFiles(Path.Combine(folder, label)).Order(StringComparer.Ordinal)];
            var became = new Dictionary<string, int>(StringComparer.Ordinal);
            var models = new Dictionary<string, int>(StringComparer.Ordinal);
            int hits = 0;
            foreach (string file in files)
            {
                using var form = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(file)), "image", Path.GetFileName(file) } };
                using HttpResponseMessage response = await http.PostAsync($"/api/v1/{route}", form);
                if (!response.IsSuccessStatusCode)
                {
                    Console.WriteLine($"  {Path.GetFileName(file)}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    became["error"] = became.GetValueOrDefault("error") + 1;
                    continue;
                }

                ClassificationView view = (await response.Content.ReadFromJsonAsync<ClassificationView>(json))!;
                models[view.Model] = models.GetValueOrDefault(view.Model) + 1;
                foreach (ClassifierStepTiming step in view.Steps.Where(s => s.Step == "photo"))
                {
                    photoStep.Add(step.Outcome.Length > 160 ? step.Outcome[..160] + "…" : step.Outcome);
                }

                if (view.Category == label)
                {
                    hits++;
                }
                else
                {
                    became[view.Category] = became.GetValueOrDefault(view.Category) + 1;
                }
            }

            total += files.Length;
            right += hits;
            string misses = string.Join(", ", became.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value}"));
            string deciders = string.Join(", ", models.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label,-18} {files.Length,4} {hits,6} {(files.Length == 0 ? 0 : (double)hits / files.Length),9:0.00}  {(misses.Length > 0 ? misses : "-")} / {deciders}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"overall",-18} {total,4} {right,6} {(total == 0 ? 0 : (double)right / total),9:0.00}"));
        if (photoStep.Any(o => o.Contains("not installed", StringComparison.Ordinal)))
        {
            Console.WriteLine("note: the photo step's models are not installed on this server, so people, pets, food and places are not decided locally:");
            Console.WriteLine("  " + photoStep.First(o => o.Contains("not installed", StringComparison.Ordinal)));
        }

        return 0;
    }
}
