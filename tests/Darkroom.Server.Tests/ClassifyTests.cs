using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Darkroom.Api.Endpoints;
using Darkroom.Core.Accounts;
using Darkroom.Core.Classification;
using Darkroom.Core.Jobs;

namespace Darkroom.Server.Tests;

/// <summary>The local classifier chain and the SHA-256 cache, through HTTP with the real PP-OCR models.</summary>
[TestClass]
public sealed class ClassifyTests
{
    private static DarkroomHost s_host = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context) =>
        s_host = await DarkroomHost.StartAsync(DarkroomHost.NewPrefix(), context.CancellationToken, new() { ["Darkroom:Inference:Preload"] = "" });

    [ClassCleanup]
    public static async Task StopAsync() => await s_host.DisposeAsync();

    [TestMethod]
    public async Task LocalChain_SortsScreenshotsAndIdDocuments_AndLeavesPhotosToOther()
    {
        CancellationToken ct = TestContext.CancellationToken;
        ClassifyImages.Sample[] samples =
        [
            .. ClassifyImages.Screenshots(),
            .. ClassifyImages.IdDocuments(),
            new("cat photo", Categories.Other, TestImages.Photo(TestImages.Cat)),
            new("astronaut portrait", Categories.Other, TestImages.Photo(TestImages.Astronaut)),
            new("coffee photo", Categories.Other, TestImages.Photo(TestImages.Coffee)),
        ];

        var answers = new List<(ClassifyImages.Sample Sample, ClassificationView View)>();
        foreach (ClassifyImages.Sample sample in samples)
        {
            answers.Add((sample, await ClassifyAsync(s_host.Client, sample.Bytes, "x.png", ct)));
        }

        foreach (IGrouping<string, (ClassifyImages.Sample Sample, ClassificationView View)> category in answers.GroupBy(a => a.Sample.Expected))
        {
            int right = category.Count(a => a.View.Category == category.Key);
            TestContext.WriteLine($"classify accuracy {category.Key}: {right}/{category.Count()}");
        }

        foreach ((ClassifyImages.Sample sample, ClassificationView view) in answers)
        {
            TestContext.WriteLine($"  {sample.Name}: {view.Category} {view.Confidence:0.00} {view.ElapsedMs} ms: {string.Join(" | ", view.Steps.Select(s => $"{s.Step} {s.Outcome}"))}");
            Assert.AreEqual(sample.Expected, view.Category, $"{sample.Name}: {view.Description}");
            Assert.AreEqual(ClassifyMethods.Local, view.Method);
        }

        Assert.IsTrue(answers.Where(a => a.Sample.Expected == Categories.Other).All(a => a.View.Confidence <= 0.2), "undecided photos get low confidence");
    }

    [TestMethod]
    public async Task TwentyParallelRequestsForANewPhoto_ClassifyItOnce_AndChargeOnce()
    {
        CancellationToken ct = TestContext.CancellationToken;
        (HttpClient client, _) = await s_host.NewKeyAsync("racers", ct);
        // Bytes nobody has sent before: the classify cache is shared across tenants (proof of possession).
        byte[] photo = Unique(ClassifyImages.Screenshots()[2].Bytes, 2);

        ClassificationView[] views = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => ClassifyAsync(client, photo, "shot.png", ct)));

        Assert.AreEqual(1, views.Count(v => !v.Cached), "exactly one request ran the chain");
        Assert.AreEqual(19, views.Count(v => v.Cached && v.Method == ClassifyMethods.Cache));
        Assert.AreEqual(1, views.Select(v => (v.Category, v.Confidence, v.Sha256)).Distinct().Count(), "everyone got the same answer");
        Assert.AreEqual(Convert.ToHexStringLower(SHA256.HashData(photo)), views[0].Sha256);
        UsageView usage = (await client.GetFromJsonAsync<UsageView>("/api/v1/usage", Json.Options, ct))!;
        Assert.AreEqual(new OperationUsage(1, 1, 0, 1), usage.Operations["classify"]);
        ClassifyDayStats today = (await client.GetFromJsonAsync<ClassifyDayStats>("/api/v1/stats/today", Json.Options, ct))!;
        Assert.AreEqual((20L, 19L), (today.Requests, today.CacheHits));
        CacheEfficiencyView efficiency = (await client.GetFromJsonAsync<CacheEfficiencyView>("/api/v1/stats/cache-efficiency", Json.Options, ct))!;
        Assert.AreEqual((1L, 19L, 0.95), (efficiency.CachedPhotos, efficiency.TotalHitsOnEntries, efficiency.HitRate));
        CategoryDistributionView distribution = (await client.GetFromJsonAsync<CategoryDistributionView>("/api/v1/stats/category-distribution", Json.Options, ct))!;
        Assert.AreEqual(1, distribution.Categories[Categories.Screenshot]);
    }

    [TestMethod]
    public async Task CheckCache_AnswersHitsAndMisses_SoClientsUploadOnlyMisses()
    {
        CancellationToken ct = TestContext.CancellationToken;
        (HttpClient client, _) = await s_host.NewKeyAsync("albums", ct);
        (HttpClient other, _) = await s_host.NewKeyAsync("strangers", ct);
        byte[] known = ClassifyImages.Screenshots()[3].Bytes;
        string knownHash = Convert.ToHexStringLower(SHA256.HashData(known)), unknownHash = new('a', 64);
        await ClassifyAsync(client, known, "a.png", ct);

        CheckCacheView check = await CheckAsync(client, [knownHash, unknownHash.ToUpperInvariant()], ct);
        CheckCacheView foreign = await CheckAsync(other, [knownHash], ct);
        HttpResponseMessage bad = await client.PostAsJsonAsync("/api/v1/classify/check-cache", new CheckCacheRequest(["not-a-hash"]), ct);
        HttpResponseMessage tooMany = await client.PostAsJsonAsync("/api/v1/classify/check-cache", new CheckCacheRequest([.. Enumerable.Repeat(unknownHash, 101)]), ct);

        Assert.AreEqual(knownHash, check.Hits.Single().Sha256);
        Assert.AreEqual(Categories.Screenshot, check.Hits.Single().Category);
        CollectionAssert.AreEqual(new[] { unknownHash }, check.Misses.ToArray());
        Assert.AreEqual(0, foreign.Hits.Count, "another tenant's cache is not visible");
        Assert.AreEqual(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.AreEqual(HttpStatusCode.BadRequest, tooMany.StatusCode);
    }

    [TestMethod]
    public async Task Batch_ClassifiesEachImage_WithPerItemErrors()
    {
        CancellationToken ct = TestContext.CancellationToken;
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(ClassifyImages.IdDocuments()[0].Bytes), "images", "card.jpg");
        form.Add(new ByteArrayContent(TestImages.Text), "images", "notes.txt");
        form.Add(new ByteArrayContent(ClassifyImages.Screenshots()[0].Bytes), "images", "phone.png");

        HttpResponseMessage response = await s_host.Client.PostAsync("/api/v1/classify/batch", form, ct);
        ClassifyBatchView batch = (await response.Content.ReadFromJsonAsync<ClassifyBatchView>(Json.Options, ct))!;

        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.AreEqual((3, 1), (batch.Total, batch.Failed));
        Assert.AreEqual(Categories.IdCard, batch.Items[0].Result!.Category);
        Assert.AreEqual("image.unsupported_format", batch.Items[1].Error!.Code);
        Assert.AreEqual(Categories.Screenshot, batch.Items[2].Result!.Category);
    }

    [TestMethod]
    public async Task ClassifyJob_RunsValidateClassifyPersist_DropsTheOriginal_AndACachedRepeatIsFree()
    {
        CancellationToken ct = TestContext.CancellationToken;
        (HttpClient client, _) = await s_host.NewKeyAsync("jobbers", ct);
        byte[] card = Unique(ClassifyImages.IdDocuments()[1].Bytes, 7);

        JobView first = await SubmitClassifyJobAsync(client, card, ct);
        JobView second = await SubmitClassifyJobAsync(client, card, ct);
        ClassificationView result = (await client.GetFromJsonAsync<ClassificationView>(first.Result!.Url, Json.Options, ct))!;
        UsageView usage = (await client.GetFromJsonAsync<UsageView>("/api/v1/usage", Json.Options, ct))!;
        for (DateTime deadline = DateTime.UtcNow.AddSeconds(10); usage.Reserved > 0 && DateTime.UtcNow < deadline; await Task.Delay(50, ct))
        {
            usage = (await client.GetFromJsonAsync<UsageView>("/api/v1/usage", Json.Options, ct))!;
        }

        Assert.AreEqual(JobStatus.Completed, first.Status, first.Error?.Message);
        CollectionAssert.AreEqual(new[] { "validate", "classify", "persist" }, first.Timings.Select(t => t.Stage).ToArray());
        Assert.AreEqual(Categories.IdCard, first.Classification!.Category);
        Assert.AreEqual(Categories.IdCard, result.Category);
        Assert.IsFalse(result.Cached);
        Assert.AreEqual(Categories.IdCard, second.Classification!.Category);
        Assert.AreEqual(new OperationUsage(2, 1, 1, 1), usage.Operations["classify"], "the cached repeat was refunded");
        int originals = 0;
        await foreach (global::Azure.Storage.Blobs.Models.BlobItem _ in s_host.Storage.Container("uploads").GetBlobsAsync(new global::Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = "jobbers/" }, ct))
        {
            originals++;
        }

        Assert.AreEqual(0, originals, "classify jobs keep no originals unless asked");
    }

    private static async Task<JobView> SubmitClassifyJobAsync(HttpClient client, byte[] image, CancellationToken ct)
    {
        MultipartFormDataContent form = DarkroomHost.Form(image, "card.jpg");
        form.Add(new StringContent("classify"), "operation");
        HttpResponseMessage response = await client.PostAsync("/api/v1/jobs?wait=60", form, ct);
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        return (await response.Content.ReadFromJsonAsync<JobView>(Json.Options, ct))!;
    }

    private static async Task<CheckCacheView> CheckAsync(HttpClient client, string[] hashes, CancellationToken ct)
    {
        HttpResponseMessage response = await client.PostAsJsonAsync("/api/v1/classify/check-cache", new CheckCacheRequest(hashes), ct);
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        return (await response.Content.ReadFromJsonAsync<CheckCacheView>(Json.Options, ct))!;
    }

    /// <summary>The image with one corner pixel changed: the same picture, bytes (and SHA-256) of its own.</summary>
    internal static byte[] Unique(byte[] image, int n)
    {
        using NetVips.Image decoded = NetVips.Image.NewFromBuffer(image);
        using NetVips.Image marked = decoded.Mutate(m => m.DrawRect([.. Enumerable.Repeat((double)(n % 251), decoded.Bands)], 0, 0, 1, 1, fill: true));
        return marked.PngsaveBuffer(compression: 1);
    }

    internal static async Task<ClassificationView> ClassifyAsync(HttpClient client, byte[] image, string fileName, CancellationToken ct)
    {
        HttpResponseMessage response = await client.PostAsync("/api/v1/classify", DarkroomHost.Form(image, fileName), ct);
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        return (await response.Content.ReadFromJsonAsync<ClassificationView>(Json.Options, ct))!;
    }
}
