using System.Net;
using System.Net.Http.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Darkroom.Api.Contracts;
using Darkroom.Azure;
using Darkroom.Core.Jobs;

namespace Darkroom.Server.Tests.Hostile;

/// <summary>
/// Hostile blob drops against the real server's inbox poller: names that storage URLs would rewrite (dot segments,
/// raw or encoded), control characters, names outside the grammar, bad files and options, over-size drops, and a
/// burst past the plan's concurrency. Another tenant's result stays byte-identical, nothing loops, the server stays up.
/// </summary>
[TestClass]
public sealed class HostileDropTests
{
    private static DarkroomHost s_host = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context) =>
        s_host = await DarkroomHost.StartAsync(DarkroomHost.NewPrefix(), context.CancellationToken, new()
        {
            ["Darkroom:Inference:Preload"] = "",
            ["Darkroom:Runner:InboxPollInterval"] = "00:00:00.200",
            ["Darkroom:Imaging:MaxUploadBytes"] = "3000000",
            ["Darkroom:Auth:Plans:pro:MaxConcurrentJobs"] = "2",
        });

    [ClassCleanup]
    public static async Task StopAsync() => await s_host.DisposeAsync();

    [TestMethod]
    public async Task HostileDrops_AreQuarantinedOrRefusedOnce_AnotherTenantsResultIsUntouched_AndDropsKeepWorking()
    {
        CancellationToken ct = TestContext.CancellationToken;
        BlobContainerClient inbox = s_host.Storage.Container("inbox");
        BlobContainerClient outbox = s_host.Storage.Container("outbox");
        byte[] photo = HostileFiles.SmallJpeg(160, 120);

        // The victim: acme's finished job and its result.
        (HttpClient acme, _) = await s_host.NewKeyAsync("acme", ct);
        HttpResponseMessage submitted = await acme.PostAsync("/api/v1/jobs", DarkroomHost.WithOperation(DarkroomHost.Form(photo, "p.jpg"), "classify"), ct);
        JobView victim = (await submitted.Content.ReadFromJsonAsync<JobView>(Json.Options, ct))!;
        victim = await s_host.WaitForAsync(victim.Id, j => j.Status.IsFinal(), ct, client: acme);
        Assert.AreEqual(JobStatus.Completed, victim.Status, victim.Error?.Message);
        string victimResult = $"acme/{victim.Id}/result.json";
        byte[] victimBytes = (await s_host.Storage.Container("results").GetBlobClient(victimResult).DownloadContentAsync(ct)).Value.Content.ToArray();

        (string Encoded, string Why)[] quarantined =
        [
            ($"remove-background/%2E%2E/%2E%2E/results/{victimResult}", "encoded dot segments onto another tenant's result"),
            ($"classify/%2E%2E/%2E%2E/results/{victimResult}", "the same through another operation"),
            ("remove-background/%2E/x.jpg", "a single-dot segment"),
            ("remove-background/a%0Acrit%3A%20forged.jpg", "a newline (log forging)"),
            ("remove-background/%252E%252E/x.jpg", "a literal percent sign"),
            ("remove-background/x%3Fy%23z.jpg", "a question mark and a hash"),
            ("remove-background/%20lead.jpg", "a leading space"),
            ("remove-background/a%09tab.jpg", "a tab"),
            ("remove-background/%E2%80%AEgpj.exe", "a right-to-left override"),
        ];
        foreach ((string encoded, _) in quarantined)
        {
            await RawBlobs.PutAsync(inbox, encoded, photo, ct);
        }

        // Safe names that are no job: moved aside with an error, or refused with one.
        await RawBlobs.PutAsync(inbox, "hello.jpg", photo, ct);
        await RawBlobs.PutAsync(inbox, "format-c/x.jpg", photo, ct);
        await RawBlobs.PutAsync(inbox, "remove-background/text.jpg", TestImages.Text, ct);
        await RawBlobs.PutAsync(inbox, "remove-background/empty.jpg", [], ct);
        await RawBlobs.PutAsync(inbox, "remove-background/big.jpg", new byte[3_200_000], ct);
        await RawBlobs.PutAsync(inbox, "remove-background/bomb.png", HostileFiles.PngBomb(100_000, 100_000), ct);
        await RawBlobs.PutAsync(inbox, "remove-background/badopts.jpg", photo, ct, optionsMetadata: "{\"format\":99}");
        await RawBlobs.PutAsync(inbox, "remove-background/crc.png", HostileFiles.PngBadHeaderCrc(), ct);
        string[] refused = ["_rejected/hello.jpg", "_rejected/format-c/x.jpg", "remove-background/text.jpg", "remove-background/empty.jpg", "remove-background/big.jpg", "remove-background/bomb.png", "remove-background/badopts.jpg", "remove-background/crc.png"];

        // A burst past the plan's two concurrent jobs: deferred and taken later, never failed.
        string[] burst = [.. Enumerable.Range(0, 8).Select(i => $"classify/burst/{i:D2}.jpg")];
        foreach (string name in burst)
        {
            await RawBlobs.PutAsync(inbox, name, HostileFiles.SmallJpeg(64 + name.Length, 48), ct);
        }

        // Wait until only the quarantined names are left in the inbox and every burst result is out.
        HashSet<string> left = [];
        for (DateTime deadline = DateTime.UtcNow.AddSeconds(90); DateTime.UtcNow < deadline; await Task.Delay(250, ct))
        {
            left = [.. await NamesAsync(inbox, ct)];
            HashSet<string> outboxNames = [.. await NamesAsync(outbox, ct)];
            if (left.Count == quarantined.Length && burst.All(b => outboxNames.Contains(Path.ChangeExtension(b, "json"))))
            {
                break;
            }
        }

        HashSet<string> outNames = [.. await NamesAsync(outbox, ct)];
        Assert.HasCount(quarantined.Length, left, "inbox: " + string.Join(", ", left));
        foreach (string name in refused)
        {
            Assert.Contains(name + ".error.json", outNames, $"{name} has its error beside it: " + string.Join(", ", outNames));
        }

        Assert.Contains("_rejected/hello.jpg", outNames, "the root-level drop was moved aside, not lost");
        Assert.HasCount(quarantined.Length, outNames.Where(n => System.Text.RegularExpressions.Regex.IsMatch(n, "^_rejected/[0-9a-f]{40}\\.error\\.json$")).ToList(), "one quarantine record per unsafe name");
        foreach (string name in burst)
        {
            Assert.Contains(Path.ChangeExtension(name, "json"), outNames, $"{name} ran despite the 429s");
            Assert.DoesNotContain(name + ".error.json", outNames, $"{name} was failed instead of deferred");
        }

        byte[] after = (await s_host.Storage.Container("results").GetBlobClient(victimResult).DownloadContentAsync(ct)).Value.Content.ToArray();
        CollectionAssert.AreEqual(victimBytes, after, "acme's result is byte-identical");
        int defaultJobs = 0;
        await foreach (TableEntity _ in s_host.Storage.Table(StorageNames.JobsTable).QueryAsync<TableEntity>(e => e.PartitionKey == "default", cancellationToken: ct))
        {
            defaultJobs++;
        }

        Assert.AreEqual(burst.Length, defaultJobs, "only the burst became jobs: nothing hostile was read, charged or looped");

        // Quarantined names are not retried: a while later the records are the same and no job was added.
        await Task.Delay(1500, ct);
        Assert.HasCount(quarantined.Length, await NamesAsync(inbox, ct));
        HealthView health = (await s_host.Client.GetFromJsonAsync<HealthView>("/api/v1/health", Json.Options, ct))!;
        Assert.IsTrue(health.Loops.All(l => l.State == "running" && l.Restarts == 0), string.Join(", ", health.Loops));
        Assert.IsGreaterThanOrEqualTo(quarantined.Length, health.Loops.Single(l => l.Name == "inbox-poller").PoisonInputs);
        TestContext.WriteLine($"{quarantined.Length} quarantined, {refused.Length} refused, {burst.Length} deferred-then-run drops");
    }

    private static async Task<List<string>> NamesAsync(BlobContainerClient container, CancellationToken ct)
    {
        var names = new List<string>();
        await foreach (BlobItem blob in container.GetBlobsAsync(cancellationToken: ct))
        {
            names.Add(blob.Name);
        }

        return names;
    }
}
