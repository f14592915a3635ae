using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Darkroom.Api.Contracts;
using Darkroom.Core.Jobs;
using NetVips;

namespace Darkroom.Server.Tests;

[TestClass]
public sealed class JobsApiTests
{
    private static DarkroomHost s_host = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context) => s_host = await DarkroomHost.StartAsync(DarkroomHost.NewPrefix(), context.CancellationToken);

    [ClassCleanup]
    public static async Task StopAsync() => await s_host.DisposeAsync();

    [TestMethod]
    public async Task SubmitPollDownloadDelete_RealPhoto_GivesASoftCutoutAndCleansUp()
    {
        CancellationToken ct = TestContext.CancellationToken;

        HttpResponseMessage submitted = await s_host.Client.PostAsync("/api/v1/jobs", DarkroomHost.Form(TestImages.Photo(TestImages.Cat), "chelsea.jpg"), ct);
        Assert.AreEqual(HttpStatusCode.Accepted, submitted.StatusCode);
        JobView accepted = (await submitted.Content.ReadFromJsonAsync<JobView>(Json.Options, ct))!;
        Assert.AreEqual($"/api/v1/jobs/{accepted.Id}", submitted.Headers.Location!.OriginalString);

        JobView done = await s_host.WaitForAsync(accepted.Id, j => j.Status.IsFinal(), ct);
        Assert.AreEqual(JobStatus.Completed, done.Status, done.Error?.Message);
        Assert.AreEqual(100, done.Progress);
        CollectionAssert.AreEqual(new[] { "validate", "subject", "segment", "compose", "persist" }, done.Timings.Select(t => t.Stage).ToArray());
        Assert.AreEqual(451, done.Input!.Width);

        HttpResponseMessage result = await s_host.Client.GetAsync(done.Result!.Url, ct);
        Assert.AreEqual("image/png", result.Content.Headers.ContentType!.MediaType);
        using (Image cutout = Image.NewFromBuffer(await result.Content.ReadAsByteArrayAsync(ct)))
        {
            Assert.AreEqual(451, cutout.Width);
            Assert.AreEqual(4, cutout.Bands);
            using Image alpha = cutout[3];
            using Image soft = (alpha > 10) & (alpha < 245);
            Assert.IsGreaterThan(0.005, soft.Avg() / 255, "the cut-out's alpha is a soft matte");
        }

        HttpResponseMessage deleted = await s_host.Client.DeleteAsync($"/api/v1/jobs/{done.Id}", ct);
        Assert.AreEqual(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.AreEqual(HttpStatusCode.NotFound, (await s_host.Client.GetAsync($"/api/v1/jobs/{done.Id}", ct)).StatusCode);
        await AssertNoBlobsForAsync(done.Id, ct);
    }

    [TestMethod]
    public async Task RemoveBackground_WithColourAndJpeg_AnswersTheImageDirectly()
    {
        CancellationToken ct = TestContext.CancellationToken;

        HttpResponseMessage response = await s_host.Client.PostAsync(
            "/api/v1/remove-background",
            DarkroomHost.Form(TestImages.Photo(TestImages.Astronaut), options: """{"background":"#3366cc","format":"jpeg","crop":true}"""),
            ct);

        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.AreEqual("image/jpeg", response.Content.Headers.ContentType!.MediaType);
        Assert.IsTrue(response.Headers.Contains("X-Darkroom-Job-Id"));
        using Image image = Image.NewFromBuffer(await response.Content.ReadAsByteArrayAsync(ct));
        Assert.AreEqual(3, image.Bands);
        Assert.IsLessThanOrEqualTo(512, image.Width);
        double[] corner = image.Getpoint(2, 2);
        Assert.AreEqual(0x33, corner[0], 12);
        Assert.AreEqual(0xcc, corner[2], 12);
    }

    [TestMethod]
    public async Task RemoveBackground_ZeroWait_Answers202WithTheJob()
    {
        CancellationToken ct = TestContext.CancellationToken;

        HttpResponseMessage response = await s_host.Client.PostAsync("/api/v1/remove-background?wait=0", DarkroomHost.Form(TestImages.Photo(TestImages.Coffee)), ct);

        Assert.AreEqual(HttpStatusCode.Accepted, response.StatusCode);
        JobView job = (await response.Content.ReadFromJsonAsync<JobView>(Json.Options, ct))!;
        Assert.AreEqual(JobStatus.Completed, (await s_host.WaitForAsync(job.Id, j => j.Status.IsFinal(), ct)).Status);
    }

    [TestMethod]
    public async Task Submit_SameIdempotencyKey_ReturnsTheSameJob_AndADifferentBodyIsRefused()
    {
        CancellationToken ct = TestContext.CancellationToken;
        string key = Guid.NewGuid().ToString();

        JobView first = await SubmitAsync(TestImages.Photo(TestImages.Coffee), key, ct);
        JobView second = await SubmitAsync(TestImages.Photo(TestImages.Coffee), key, ct);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/jobs") { Content = DarkroomHost.Form(TestImages.Photo(TestImages.Cat)) };
        request.Headers.Add("Idempotency-Key", key);
        HttpResponseMessage reused = await s_host.Client.SendAsync(request, ct);

        Assert.AreEqual(first.Id, second.Id);
        Assert.AreEqual(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.AreEqual("idempotency.mismatch", await CodeOfAsync(reused, ct));
    }

    [TestMethod]
    public async Task Get_UnknownOrMalformedId_Is404Problem()
    {
        CancellationToken ct = TestContext.CancellationToken;

        HttpResponseMessage unknown = await s_host.Client.GetAsync($"/api/v1/jobs/{JobIds.New(DateTimeOffset.UtcNow)}", ct);
        HttpResponseMessage malformed = await s_host.Client.GetAsync("/api/v1/jobs/..%2F..%2Fetc", ct);

        Assert.AreEqual(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.AreEqual("job.not_found", await CodeOfAsync(unknown, ct));
        Assert.AreEqual(HttpStatusCode.NotFound, malformed.StatusCode);
    }

    [TestMethod]
    public async Task List_ShowsSubmittedJobsNewestFirst()
    {
        CancellationToken ct = TestContext.CancellationToken;
        JobView a = await SubmitAsync(TestImages.Photo(TestImages.Coffee), null, ct);
        JobView b = await SubmitAsync(TestImages.Photo(TestImages.Coffee), null, ct);

        JobListView list = (await s_host.Client.GetFromJsonAsync<JobListView>("/api/v1/jobs?pageSize=100", Json.Options, ct))!;

        string[] ids = [.. list.Jobs.Select(j => j.Id)];
        Assert.IsLessThan(Array.IndexOf(ids, a.Id), Array.IndexOf(ids, b.Id));
        Assert.IsGreaterThanOrEqualTo(0, Array.IndexOf(ids, b.Id));
    }

    [TestMethod]
    public async Task Health_ReportsStorageModelsAndProvider()
    {
        CancellationToken ct = TestContext.CancellationToken;

        HealthView health = (await s_host.Client.GetFromJsonAsync<HealthView>("/api/v1/health", Json.Options, ct))!;

        Assert.IsTrue(health.Storage.Ok);
        Assert.AreEqual("healthy", health.Status);
        Assert.IsTrue(health.Models.Single(m => m.Id == "isnet").Installed);
    }

    [TestMethod]
    public async Task OpenApi_DescribesTheRoutes()
    {
        CancellationToken ct = TestContext.CancellationToken;

        using JsonDocument document = JsonDocument.Parse(await s_host.Client.GetStringAsync("/openapi/v1.json", ct));

        JsonElement paths = document.RootElement.GetProperty("paths");
        foreach (string path in new[] { "/api/v1/jobs", "/api/v1/jobs/{id}", "/api/v1/jobs/{id}/result", "/api/v1/remove-background", "/api/v1/health" })
        {
            Assert.IsTrue(paths.TryGetProperty(path, out _), path);
        }
    }

    internal static async Task<string?> CodeOfAsync(HttpResponseMessage response, CancellationToken ct)
    {
        Assert.AreEqual("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return problem.RootElement.GetProperty("code").GetString();
    }

    private static async Task<JobView> SubmitAsync(byte[] image, string? key, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/jobs") { Content = DarkroomHost.Form(image) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        HttpResponseMessage response = await s_host.Client.SendAsync(request, ct);
        Assert.IsTrue(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(ct));
        return (await response.Content.ReadFromJsonAsync<JobView>(Json.Options, ct))!;
    }

    private static async Task AssertNoBlobsForAsync(string jobId, CancellationToken ct)
    {
        foreach (string container in Azure.StorageNames.Containers)
        {
            await foreach (global::Azure.Storage.Blobs.Models.BlobItem blob in s_host.Storage.Container(container).GetBlobsAsync(cancellationToken: ct))
            {
                Assert.DoesNotContain(jobId, blob.Name);
            }
        }
    }
}
