using System.Net;
using System.Net.Http.Json;
using Darkroom.Core.Jobs;
using Darkroom.Api.Endpoints;

namespace Darkroom.Server.Tests;

[TestClass]
public sealed class AuthTests
{
    private static DarkroomHost s_host = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context) =>
        s_host = await DarkroomHost.StartAsync(DarkroomHost.NewPrefix(), context.CancellationToken, new() { ["Darkroom:Inference:Preload"] = "" });

    [ClassCleanup]
    public static async Task StopAsync() => await s_host.DisposeAsync();

    [TestMethod]
    [DataRow(null)]
    [DataRow("dr_not_a_key")]
    public async Task Request_WithoutAValidKey_Is401WithNoHintWhy(string? key)
    {
        CancellationToken ct = TestContext.CancellationToken;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/jobs");
        request.Headers.Remove("X-API-Key");
        if (key is not null)
        {
            request.Headers.Add("X-API-Key", key);
        }

        using var bare = new HttpClient { BaseAddress = s_host.Client.BaseAddress };
        HttpResponseMessage response = await bare.SendAsync(request, ct);

        Assert.AreEqual(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.AreEqual("auth.invalid_key", await JobsApiTests.CodeOfAsync(response, ct));
    }

    [TestMethod]
    public async Task Submit_WithoutAKey_Is401BeforeTheUploadIsLookedAt()
    {
        CancellationToken ct = TestContext.CancellationToken;
        using var bare = new HttpClient { BaseAddress = s_host.Client.BaseAddress };

        HttpResponseMessage response = await bare.PostAsync("/api/v1/jobs", DarkroomHost.Form([]), ct);

        Assert.AreEqual(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [TestMethod]
    public async Task TwoTenants_CannotSeeEachOthersJobs()
    {
        CancellationToken ct = TestContext.CancellationToken;
        using HttpClient acme = await ClientForNewKeyAsync("acme", ct);
        using HttpClient globex = await ClientForNewKeyAsync("globex", ct);

        HttpResponseMessage submitted = await acme.PostAsync("/api/v1/jobs", DarkroomHost.Form(TestImages.Photo(TestImages.Coffee)), ct);
        JobView job = (await submitted.Content.ReadFromJsonAsync<JobView>(Json.Options, ct))!;

        Assert.AreEqual(HttpStatusCode.OK, (await acme.GetAsync($"/api/v1/jobs/{job.Id}", ct)).StatusCode);
        Assert.AreEqual(HttpStatusCode.NotFound, (await globex.GetAsync($"/api/v1/jobs/{job.Id}", ct)).StatusCode);
        Assert.AreEqual(HttpStatusCode.NotFound, (await globex.GetAsync($"/api/v1/jobs/{job.Id}/result", ct)).StatusCode);
        Assert.AreEqual(HttpStatusCode.NotFound, (await globex.DeleteAsync($"/api/v1/jobs/{job.Id}", ct)).StatusCode);
        JobListView globexJobs = (await globex.GetFromJsonAsync<JobListView>("/api/v1/jobs", Json.Options, ct))!;
        Assert.IsFalse(globexJobs.Jobs.Any(j => j.Id == job.Id));
    }

    [TestMethod]
    public async Task RevokedKey_Is401()
    {
        CancellationToken ct = TestContext.CancellationToken;
        using HttpClient client = await ClientForNewKeyAsync("initech", ct);
        Assert.AreEqual(HttpStatusCode.OK, (await client.GetAsync("/api/v1/jobs", ct)).StatusCode);
        string prefix = client.DefaultRequestHeaders.GetValues("X-API-Key").Single()[..10];

        using var revoke = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/admin/keys/{prefix}");
        revoke.Headers.Add("X-Admin-Key", DarkroomHost.AdminKey);
        Assert.AreEqual(HttpStatusCode.NoContent, (await s_host.Client.SendAsync(revoke, ct)).StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(6), ct); // past the key cache

        Assert.AreEqual(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/jobs", ct)).StatusCode);
    }

    [TestMethod]
    public async Task KeyOverItsPlansRate_Is429WithRetryAfter()
    {
        CancellationToken ct = TestContext.CancellationToken;
        using HttpClient client = await ClientForNewKeyAsync("hooli", ct, plan: "trial");

        HttpStatusCode[] codes = new HttpStatusCode[4];
        HttpResponseMessage? last = null;
        for (int i = 0; i < codes.Length; i++)
        {
            last = await client.GetAsync("/api/v1/jobs", ct);
            codes[i] = last.StatusCode;
        }

        CollectionAssert.AreEqual(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests }, codes);
        Assert.AreEqual("rate.limited", await JobsApiTests.CodeOfAsync(last!, ct));
        Assert.IsNotNull(last!.Headers.RetryAfter?.Delta);
        Assert.AreEqual(HttpStatusCode.OK, (await s_host.Client.GetAsync("/api/v1/jobs", ct)).StatusCode, "other keys are not affected");
    }

    [TestMethod]
    public async Task AdminRoutes_WithoutTheAdminKey_Are401()
    {
        CancellationToken ct = TestContext.CancellationToken;

        HttpResponseMessage response = await s_host.Client.PostAsJsonAsync("/api/v1/admin/keys", new CreateKeyRequest("evil", "pro"), ct);

        Assert.AreEqual(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [TestMethod]
    public async Task Health_NeedsNoKey()
    {
        using var bare = new HttpClient { BaseAddress = s_host.Client.BaseAddress };

        Assert.AreEqual(HttpStatusCode.OK, (await bare.GetAsync("/api/v1/health", TestContext.CancellationToken)).StatusCode);
    }

    private static async Task<HttpClient> ClientForNewKeyAsync(string tenant, CancellationToken ct, string plan = "pro") =>
        (await s_host.NewKeyAsync(tenant, ct, plan)).Client;
}
