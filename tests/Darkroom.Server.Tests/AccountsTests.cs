using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Darkroom.Api.Endpoints;
using Darkroom.Azure;
using Darkroom.Core.Accounts;
using Darkroom.Core.Jobs;
using Darkroom.Core.Workflow;
using NetVips;

namespace Darkroom.Server.Tests;

/// <summary>Plans, credits, usage and webhooks, end to end through HTTP, the runner and Azurite.</summary>
[TestClass]
public sealed class AccountsTests
{
    private static DarkroomHost s_host = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context) =>
        s_host = await DarkroomHost.StartAsync(DarkroomHost.NewPrefix(), context.CancellationToken, new()
        {
            ["Darkroom:Inference:Preload"] = "",
            ["Darkroom:Webhooks:AllowPrivateHosts"] = "true",
            ["Darkroom:Auth:Plans:tiny:MonthlyCredits"] = "4",
            ["Darkroom:Auth:Plans:tiny:MaxConcurrentJobs"] = "100",
            ["Darkroom:Auth:Plans:tiny:RequestsPerMinute"] = "1000000",
            ["Darkroom:Auth:Plans:single:MaxConcurrentJobs"] = "1",
            ["Darkroom:Auth:Plans:single:MonthlyCredits"] = "100",
            ["Darkroom:Auth:Plans:single:RequestsPerMinute"] = "1000000",
            ["Darkroom:Auth:Plans:small:MaxMegapixels"] = "0.05",
            ["Darkroom:Auth:Plans:small:RequestsPerMinute"] = "1000000",
        });

    [ClassCleanup]
    public static async Task StopAsync() => await s_host.DisposeAsync();

    [TestMethod]
    public async Task CompletedJob_IsChargedOnce_AndUsageShowsIt()
    {
        CancellationToken ct = TestContext.CancellationToken;
        (HttpClient client, _) = await s_host.NewKeyAsync("umbrella", ct);

        JobView job = await SubmitInpaintAsync(client, ct);
        job = await s_host.WaitForAsync(job.Id, j => j.Status.IsFinal(), ct, client: client);
        // The job shows completed as it is persisted; the commit is the workflow's next step.
        UsageView usage = await WaitForUsageAsync(client, u => u.Reserved == 0, ct);

        Assert.AreEqual(JobStatus.Completed, job.Status, job.Error?.Message);
        Assert.AreEqual(2, job.Credits, "remove-watermark costs 2 by default");
        Assert.AreEqual((10_000L, 2L, 0L, 9_998L, 0), (usage.Quota, usage.Used, usage.Reserved, usage.Remaining, usage.ActiveJobs));
        Assert.AreEqual(new OperationUsage(1, 1, 0, 2), usage.Operations["remove-watermark"]);
        Assert.AreEqual(BillingMonth.ResetAt(BillingMonth.Of(DateTimeOffset.UtcNow)), usage.ResetAt);
    }

    [TestMethod]
    public async Task FailedJob_IsRefundedOnce_EvenWhenDeletedAfterwards()
    {
        CancellationToken ct = TestContext.CancellationToken;
        (HttpClient client, _) = await s_host.NewKeyAsync("cyberdyne", ct);

        // Automatic masks on a plain grey picture find nothing: the job fails with mask.nothing_found.
        HttpResponseMessage submitted = await client.PostAsync(
            "/api/v1/jobs", DarkroomHost.WithOperation(DarkroomHost.Form(TestImages.Plain(320, 240), "grey.png"), "remove-watermark"), ct);
        Assert.AreEqual(HttpStatusCode.Accepted, submitted.StatusCode, await submitted.Content.ReadAsStringAsync(ct));
        JobView job = (await submitted.Content.ReadFromJsonAsync<JobView>(Json.Options, ct))!;
        job = await s_host.WaitForAsync(job.Id, j => j.Status.IsFinal(), ct, client: client);
        Assert.AreEqual(JobStatus.Failed, job.Status);
        Assert.AreEqual("mask.nothing_found", job.Error?.Code);
        TableEntity mask = await MaskCheckpointAsync(job.Id, ct);
        StringAssert.Contains(mask.GetString("FailureJson"), "\"status\":422");
        Assert.AreEqual(1, mask.GetInt32("Attempts"), "a 4xx failure is final: the Mask activity ran once, not RetrySpec.Transient's three times");
        UsageView afterFailure = await WaitForUsageAsync(client, u => u.Reserved == 0, ct);
        Assert.AreEqual(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/jobs/{job.Id}", ct)).StatusCode);
        UsageView afterDelete = (await client.GetFromJsonAsync<UsageView>("/api/v1/usage", Json.Options, ct))!;

        Assert.AreEqual((0L, 0L, 10_000L), (afterFailure.Used, afterFailure.Reserved, afterFailure.Remaining));
        Assert.AreEqual(new OperationUsage(1, 0, 1, 0), afterFailure.Operations["remove-watermark"]);
        Assert.AreEqual((0L, 0L, 10_000L), (afterDelete.Used, afterDelete.Reserved, afterDelete.Remaining), "deleting a settled job changes nothing");
        Assert.AreEqual(new OperationUsage(1, 0, 1, 0), afterDelete.Operations["remove-watermark"]);
        IReadOnlyList<LedgerEntry> entries = await Ledger().EntriesAsync("cyberdyne", afterDelete.Month, ct);
        CollectionAssert.AreEquivalent(new[] { "reward", "reserve", "release" }, entries.Select(e => e.Kind).ToArray());
    }

    [TestMethod]
    public async Task ParallelSubmissions_CannotOverdraw_AndThe402SaysWhenCreditsRenew()
    {
        CancellationToken ct = TestContext.CancellationToken;
        (HttpClient client, _) = await s_host.NewKeyAsync("tyrell", ct, plan: "tiny");

        HttpResponseMessage[] responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => client.PostAsync("/api/v1/jobs", InpaintForm(), ct)));

        Assert.AreEqual(2, responses.Count(r => r.StatusCode == HttpStatusCode.Accepted), "4 credits buy two 2-credit jobs");
        Assert.AreEqual(4, responses.Count(r => r.StatusCode == HttpStatusCode.PaymentRequired));
        using JsonDocument problem = JsonDocument.Parse(await responses.First(r => r.StatusCode == HttpStatusCode.PaymentRequired).Content.ReadAsStringAsync(ct));
        Assert.AreEqual("quota.exceeded", problem.RootElement.GetProperty("code").GetString());
        Assert.AreEqual(BillingMonth.ResetAt(BillingMonth.Of(DateTimeOffset.UtcNow)), problem.RootElement.GetProperty("resetAt").GetDateTimeOffset());
        JobListView jobs = (await client.GetFromJsonAsync<JobListView>("/api/v1/jobs", Json.Options, ct))!;
        Assert.AreEqual(2, jobs.Jobs.Count, "refused submissions store nothing");
    }

    [TestMethod]
    public async Task PlanConcurrency_IsEnforced_With429AndRetryAfter()
    {
        CancellationToken ct = TestContext.CancellationToken;
        (HttpClient client, _) = await s_host.NewKeyAsync("soylent", ct, plan: "single");

        // The first job loads ISNet on this host (Preload is off): it runs for seconds.
        HttpResponseMessage first = await client.PostAsync("/api/v1/jobs", DarkroomHost.Form(TestImages.Photo(TestImages.Astronaut)), ct);
        HttpResponseMessage second = await client.PostAsync("/api/v1/jobs", InpaintForm(), ct);

        Assert.AreEqual(HttpStatusCode.Accepted, first.StatusCode);
        Assert.AreEqual(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.AreEqual("rate.concurrent_jobs", await JobsApiTests.CodeOfAsync(second, ct));
        Assert.IsNotNull(second.Headers.RetryAfter?.Delta);
        JobView job = (await first.Content.ReadFromJsonAsync<JobView>(Json.Options, ct))!;
        await s_host.WaitForAsync(job.Id, j => j.Status.IsFinal(), ct, client: client);
        await WaitForUsageAsync(client, u => u.ActiveJobs == 0, ct);
        Assert.AreEqual(HttpStatusCode.Accepted, (await client.PostAsync("/api/v1/jobs", InpaintForm(), ct)).StatusCode, "a slot frees when the job ends");
    }

    [TestMethod]
    public async Task PlanPixelLimit_Is413_BelowTheServiceLimit()
    {
        CancellationToken ct = TestContext.CancellationToken;
        (HttpClient client, _) = await s_host.NewKeyAsync("wonka", ct, plan: "small");

        HttpResponseMessage response = await client.PostAsync("/api/v1/jobs", DarkroomHost.Form(TestImages.Photo(TestImages.Astronaut)), ct);

        Assert.AreEqual(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.AreEqual("image.too_many_pixels", await JobsApiTests.CodeOfAsync(response, ct));
        Assert.AreEqual(HttpStatusCode.Accepted, (await s_host.Client.PostAsync("/api/v1/jobs", InpaintForm(), ct)).StatusCode, "the pro plan takes it");
    }

    [TestMethod]
    public async Task Webhook_RetriedAfterA500_SignedWithTheKeysSecret_AttemptsOnTheJob()
    {
        CancellationToken ct = TestContext.CancellationToken;
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync(ct, 500);
        // The key's default callback: the job itself names none.
        (HttpClient client, CreatedKeyView key) = await s_host.NewKeyAsync("initrode", ct, callbackUrl: receiver.Url);

        JobView job = await SubmitInpaintAsync(client, ct);
        job = await s_host.WaitForAsync(job.Id, j => j.Webhook is { Delivered: true } || j.Webhook?.Attempts.Count >= 5, ct, timeoutSeconds: 60, client: client);

        Assert.AreEqual(JobStatus.Completed, job.Status);
        Assert.IsTrue(job.Webhook!.Delivered);
        CollectionAssert.AreEqual(new int?[] { 500, 200 }, job.Webhook.Attempts.Select(a => a.Status).ToArray());
        WebhookReceiver.Delivery[] deliveries = [.. receiver.Deliveries];
        Assert.AreEqual(2, deliveries.Length);
        foreach (WebhookReceiver.Delivery delivery in deliveries)
        {
            Assert.IsTrue(Verify(key.WebhookSecret, delivery), "the signature verifies with the documented recipe");
            Assert.IsFalse(Verify(key.WebhookSecret + "x", delivery), "and not with another secret");
            using JsonDocument body = JsonDocument.Parse(delivery.Body);
            Assert.AreEqual("job.completed", body.RootElement.GetProperty("event").GetString());
            Assert.AreEqual(job.Id, body.RootElement.GetProperty("job").GetProperty("id").GetString());
            Assert.AreEqual(job.Id, delivery.Headers["X-Darkroom-Delivery"]);
        }

        Assert.IsTrue(job.Webhook.Attempts[1].At - job.Webhook.Attempts[0].At >= TimeSpan.FromSeconds(1.5), "the retry waited its backoff");
    }

    [TestMethod]
    public async Task CallbackToAPrivateHost_IsRefusedUnlessAllowed()
    {
        CancellationToken ct = TestContext.CancellationToken;
        await using DarkroomHost strict = await DarkroomHost.StartAsync(DarkroomHost.NewPrefix(), ct, new() { ["Darkroom:Inference:Preload"] = "" });

        foreach ((string url, string code) in new[]
        {
            ("http://127.0.0.1:9/hook", "callback.forbidden_host"),
            ("http://localhost/hook", "callback.forbidden_host"),
            ("http://10.1.2.3/hook", "callback.forbidden_host"),
            ("http://[::1]/hook", "callback.forbidden_host"),
            ("http://169.254.169.254/latest/meta-data", "callback.forbidden_host"),
            ("ftp://example.com/hook", "callback.invalid"),
            ("not a url", "callback.invalid"),
        })
        {
            MultipartFormDataContent form = InpaintForm();
            form.Add(new StringContent(url), "callbackUrl");
            HttpResponseMessage response = await strict.Client.PostAsync("/api/v1/jobs", form, ct);
            Assert.AreEqual(HttpStatusCode.BadRequest, response.StatusCode, url);
            Assert.AreEqual(code, await JobsApiTests.CodeOfAsync(response, ct), url);
        }

        Assert.AreEqual((0, 0), await strict.CountStoredAsync(ct));
    }

    /// <summary>The README's recipe, written out independently of the server's code: HMAC-SHA256 over "{timestamp}.{body}".</summary>
    private static bool Verify(string secret, WebhookReceiver.Delivery delivery)
    {
        string timestamp = delivery.Headers["X-Darkroom-Timestamp"];
        byte[] signed = [.. Encoding.UTF8.GetBytes(timestamp + "."), .. delivery.Body];
        string expected = "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
        long age = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(timestamp, CultureInfo.InvariantCulture);
        return age is >= 0 and < 300
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(delivery.Headers["X-Darkroom-Signature"]));
    }

    private static TableCreditLedger Ledger() => new(s_host.Storage, TimeProvider.System);

    private static async Task<UsageView> WaitForUsageAsync(HttpClient client, Func<UsageView, bool> until, CancellationToken ct)
    {
        for (DateTime deadline = DateTime.UtcNow.AddSeconds(20); ; await Task.Delay(50, ct))
        {
            UsageView usage = (await client.GetFromJsonAsync<UsageView>("/api/v1/usage", Json.Options, ct))!;
            if (until(usage) || DateTime.UtcNow > deadline)
            {
                return usage;
            }
        }
    }

    private static async Task<JobView> SubmitInpaintAsync(HttpClient client, CancellationToken ct)
    {
        HttpResponseMessage submitted = await client.PostAsync("/api/v1/jobs", InpaintForm(), ct);
        Assert.AreEqual(HttpStatusCode.Accepted, submitted.StatusCode, await submitted.Content.ReadAsStringAsync(ct));
        return (await submitted.Content.ReadFromJsonAsync<JobView>(Json.Options, ct))!;
    }

    /// <summary>A quick job: Telea inpainting of an uploaded box mask on a small grey picture.</summary>
    private static MultipartFormDataContent InpaintForm()
    {
        MultipartFormDataContent form = DarkroomHost.WithOperation(DarkroomHost.Form(TestImages.Plain(160, 120), "grey.png", """{"model":"telea"}"""), "remove-watermark");
        using Image mask = TestImages.Box(160, 120, 40, 30, 20, 10);
        form.Add(new ByteArrayContent(mask.PngsaveBuffer()), "mask", "mask.png");
        return form;
    }


    private static async Task<TableEntity> MaskCheckpointAsync(string jobId, CancellationToken ct)
    {
        await foreach (TableEntity call in s_host.Storage.Table(StorageNames.CheckpointsTable).QueryAsync<TableEntity>(e => e.PartitionKey == jobId, cancellationToken: ct))
        {
            if (call.GetString("Name") == ActivityNames.Mask)
            {
                return call;
            }
        }

        throw new AssertFailedException($"job {jobId} has no Mask checkpoint");
    }
}
