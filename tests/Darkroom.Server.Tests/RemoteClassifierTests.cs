using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Darkroom.Api.Endpoints;
using Darkroom.Core.Classification;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Darkroom.Server.Tests;

/// <summary>
/// The remote step against a real HTTP server on loopback that speaks chat completions (the stand-in for a paid
/// vision API): a good answer decides; 429, 500, a time-out, prose and an invented category all fall back to
/// <c>other</c>, never to a guess.
/// </summary>
[TestClass]
public sealed class RemoteClassifierTests
{
    private static readonly ConcurrentQueue<string> Script = new();
    private static readonly ConcurrentQueue<(string? Authorization, JsonDocument Body)> Requests = new();
    private static WebApplication s_fake = null!;
    private static DarkroomHost s_host = null!;
    private static readonly ConcurrentQueue<string> AzureCalls = new();
    private static string s_fakeBase = "";

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        int port = FreePort.Next();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        s_fake = builder.Build();
        s_fake.MapPost("/v1/chat/completions", async (HttpContext http) =>
        {
            Requests.Enqueue((http.Request.Headers.Authorization.ToString(), await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted)));
            string next = Script.TryDequeue(out string? s) ? s : "500";
            switch (next)
            {
                case "429":
                case "500":
                    return Results.StatusCode(int.Parse(next, System.Globalization.CultureInfo.InvariantCulture));
                case "slow":
                    await Task.Delay(TimeSpan.FromSeconds(5), http.RequestAborted);
                    return Results.StatusCode(500);
                default:
                    return Results.Text(Completion(next), "application/json");
            }
        });
        s_fake.MapPost("/az/openai/deployments/{deployment}/chat/completions", (HttpContext http, string deployment) =>
        {
            AzureCalls.Enqueue($"{deployment}|{http.Request.Query["api-version"]}|{http.Request.Headers["api-key"]}|{http.Request.Headers.Authorization}");
            return Results.Text(Completion("""{"category":"foods","confidence":0.9,"description":"A cup."}"""), "application/json");
        });
        await s_fake.StartAsync(context.CancellationToken);
        s_fakeBase = $"http://127.0.0.1:{port}";
        s_host = await DarkroomHost.StartAsync(DarkroomHost.NewPrefix(), context.CancellationToken, new()
        {
            ["Darkroom:Inference:Preload"] = "",
            ["Darkroom:Classify:Remote:Endpoint"] = $"http://127.0.0.1:{port}/v1",
            ["Darkroom:Classify:Remote:ApiKey"] = "sk-test",
            ["Darkroom:Classify:Remote:Model"] = "vision-test",
            ["Darkroom:Classify:StepBudgetMs:remote"] = "1500",
        });
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        await s_host.DisposeAsync();
        await s_fake.StopAsync();
        await s_fake.DisposeAsync();
    }

    [TestMethod]
    [DataRow("good", """{"category":"pets","confidence":0.91,"description":"A grey cat on a sofa."}""", "pets", "remote")]
    [DataRow("fenced", "```json\n{\"category\":\"foods\",\"confidence\":0.8,\"description\":\"Coffee.\"}\n```", "foods", "remote")]
    [DataRow("rate limited", "429", "other", "local")]
    [DataRow("server error", "500", "other", "local")]
    [DataRow("time-out", "slow", "other", "local")]
    [DataRow("prose", "I think this is a lovely cat.", "other", "local")]
    [DataRow("invented category", """{"category":"cats","confidence":0.99,"description":"A cat."}""", "other", "local")]
    [DataRow("unsure", """{"category":"pets","confidence":0.3,"description":"Maybe a cat."}""", "other", "local")]
    public async Task RemoteStep_DecidesOnlyOnAWellFormedConfidentAnswer(string what, string reply, string category, string method)
    {
        CancellationToken ct = TestContext.CancellationToken;
        Script.Clear();
        Script.Enqueue(reply);
        // A plain picture the local steps cannot decide, different per case so the cache never answers.
        // (The first SHA-256 byte of each case's name: all eight differ.)
        byte[] picture = TestImages.Plain(200, 150, grey: System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(what))[0]);
        int before = Requests.Count;

        ClassificationView view = await ClassifyTests.ClassifyAsync(s_host.Client, picture, "plain.png", ct);

        Assert.AreEqual(category, view.Category, $"{what}: {string.Join(" | ", view.Steps.Select(s => $"{s.Step} {s.Outcome}"))}");
        Assert.AreEqual(method, view.Method, what);
        Assert.AreEqual(before + 1, Requests.Count, "one call to the endpoint");
        if (category == Categories.Other)
        {
            Assert.IsTrue(view.Confidence <= 0.2, what);
            StringAssert.StartsWith(view.Steps.Single(s => s.Step == "remote").Outcome, "passed", what);
        }
        else
        {
            Assert.AreEqual("vision-test", view.Model);
        }
    }

    [TestMethod]
    public async Task RemoteStep_SendsAnOpenAiChatCompletionWithTheImageAndAskForJson()
    {
        CancellationToken ct = TestContext.CancellationToken;
        Script.Clear();
        Script.Enqueue("""{"category":"travel_scenery","confidence":0.7,"description":"Hills."}""");
        while (Requests.TryDequeue(out _))
        {
        }

        await ClassifyTests.ClassifyAsync(s_host.Client, TestImages.Plain(300, 200, grey: 222), "plain.png", ct);

        Assert.IsTrue(Requests.TryDequeue(out (string? Authorization, JsonDocument Body) request));
        Assert.AreEqual("Bearer sk-test", request.Authorization);
        JsonElement body = request.Body.RootElement;
        Assert.AreEqual("vision-test", body.GetProperty("model").GetString());
        Assert.AreEqual("json_object", body.GetProperty("response_format").GetProperty("type").GetString());
        JsonElement image = body.GetProperty("messages")[1].GetProperty("content")[1];
        Assert.AreEqual("image_url", image.GetProperty("type").GetString());
        StringAssert.StartsWith(image.GetProperty("image_url").GetProperty("url").GetString(), "data:image/jpeg;base64,");
    }

    [TestMethod]
    public async Task AzureFlavor_CallsTheDeployment_WithApiKeyAndApiVersion()
    {
        CancellationToken ct = TestContext.CancellationToken;
        await using DarkroomHost azure = await DarkroomHost.StartAsync(DarkroomHost.NewPrefix(), ct, new()
        {
            ["Darkroom:Inference:Preload"] = "",
            ["Darkroom:Classify:Remote:Endpoint"] = s_fakeBase + "/az",
            ["Darkroom:Classify:Remote:ApiKey"] = "az-key",
            ["Darkroom:Classify:Remote:Model"] = "vision-test",
            ["Darkroom:Classify:Remote:Flavor"] = "azure",
            ["Darkroom:Classify:Remote:ApiVersion"] = "2024-10-21",
        });

        ClassificationView view = await ClassifyTests.ClassifyAsync(azure.Client, TestImages.Plain(300, 200, grey: 90), "plain.png", ct);

        Assert.AreEqual("foods", view.Category);
        Assert.IsTrue(AzureCalls.TryDequeue(out string? call));
        Assert.AreEqual("vision-test|2024-10-21|az-key|", call, $"{call}: deployment in the path, api-version in the query, api-key header and no bearer token");
    }

    [TestMethod]
    public async Task LocalClassify_NeverCallsTheRemoteModel_AndSaysSo()
    {
        CancellationToken ct = TestContext.CancellationToken;
        int before = Requests.Count;
        using var form = new MultipartFormDataContent { { new ByteArrayContent(TestImages.Plain(320, 200, grey: 60)), "image", "plain.png" } };

        HttpResponseMessage response = await s_host.Client.PostAsync("/api/v1/local-classify", form, ct);

        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        ClassificationView view = (await response.Content.ReadFromJsonAsync<ClassificationView>(Json.Options, ct))!;
        Assert.AreEqual(before, Requests.Count, "no request reached the remote endpoint");
        Assert.AreEqual(Categories.Other, view.Category);
        Assert.IsFalse(view.Steps.Any(s => s.Step == "remote"), string.Join(" | ", view.Steps.Select(s => s.Step)));
        StringAssert.Contains(view.Description, "remote endpoint", "the answer says what would decide such photos");
        StringAssert.Contains(view.Steps.Single(s => s.Step == "photo").Outcome, "image_classification_mobilenetv2_2022apr.onnx", "and which model files the photo step needs");
    }

    [TestMethod]
    [DataRow("local-only", new[] { "idcard", "screenshot", "photo" })]
    [DataRow("remote-first", new[] { "remote" })]
    [DataRow("local-first", new[] { "idcard", "screenshot", "photo", "remote" })]
    public async Task Modes_OrderTheSteps(string mode, string[] steps)
    {
        CancellationToken ct = TestContext.CancellationToken;
        Script.Clear();
        Script.Enqueue("""{"category":"pets","confidence":0.95,"description":"A dog."}""");
        await using DarkroomHost host = await DarkroomHost.StartAsync(DarkroomHost.NewPrefix(), ct, new()
        {
            ["Darkroom:Inference:Preload"] = "",
            ["Darkroom:Classify:Mode"] = mode,
            ["Darkroom:Classify:Remote:Endpoint"] = s_fakeBase + "/v1",
            ["Darkroom:Classify:Remote:Model"] = "vision-test",
        });
        int before = Requests.Count;

        ClassificationView view = await ClassifyTests.ClassifyAsync(host.Client, TestImages.Plain(300, 200, grey: 140), "plain.png", ct);

        CollectionAssert.AreEqual(steps, view.Steps.Select(s => s.Step).ToArray(), $"{mode}: {string.Join(" | ", view.Steps.Select(s => $"{s.Step} {s.Outcome}"))}");
        Assert.AreEqual(mode == "local-only" ? before : before + 1, Requests.Count);
        Assert.AreEqual(mode == "local-only" ? Categories.Other : "pets", view.Category);
    }

    [TestMethod]
    public async Task Providers_FailOverInOrder_ToTheFirstThatAnswers()
    {
        CancellationToken ct = TestContext.CancellationToken;
        Script.Clear();
        Script.Enqueue("500");
        Script.Enqueue("""{"category":"foods","confidence":0.9,"description":"Soup."}""");
        int dead = FreePort.Next();   // nothing listens there
        await using DarkroomHost host = await DarkroomHost.StartAsync(DarkroomHost.NewPrefix(), ct, new()
        {
            ["Darkroom:Inference:Preload"] = "",
            ["Darkroom:Classify:Remote:Endpoint"] = $"http://127.0.0.1:{dead}/v1",
            ["Darkroom:Classify:Remotes:0:Endpoint"] = s_fakeBase + "/v1",
            ["Darkroom:Classify:Remotes:0:Model"] = "first-fallback",
            ["Darkroom:Classify:Remotes:1:Endpoint"] = s_fakeBase + "/v1",
            ["Darkroom:Classify:Remotes:1:Model"] = "second-fallback",
        });

        ClassificationView view = await ClassifyTests.ClassifyAsync(host.Client, TestImages.Plain(300, 200, grey: 33), "plain.png", ct);

        string remote = view.Steps.Single(s => s.Step == "remote").Outcome;
        TestContext.WriteLine(remote);
        Assert.AreEqual("foods", view.Category, remote);
        Assert.AreEqual("second-fallback", view.Model, "the unreachable one and the one that answered 500 were passed over");
        StringAssert.Contains(remote, "HTTP 500");
        StringAssert.Contains(remote, "unreachable");
    }

    [TestMethod]
    public async Task SharedCache_OneRemoteCallForEveryone_ButOnlyForTenantsWhoUploadTheBytes()
    {
        CancellationToken ct = TestContext.CancellationToken;
        (HttpClient alice, _) = await s_host.NewKeyAsync("alice-shared", ct);
        (HttpClient bob, _) = await s_host.NewKeyAsync("bob-shared", ct);
        byte[] photo = TestImages.Plain(310, 190, grey: 177);
        string sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(photo));
        Script.Clear();
        Script.Enqueue("""{"category":"pets","confidence":0.93,"description":"A cat on a sofa."}""");
        int before = Requests.Count;

        ClassificationView first = await ClassifyTests.ClassifyAsync(alice, photo, "cat.png", ct);
        Assert.AreEqual(("pets", false, before + 1), (first.Category, first.Cached, Requests.Count), "alice's photo went to the remote model once");

        // Bob knows the hash (from anywhere) but has not uploaded the bytes: the cache does not answer him.
        CheckCacheView check = await CheckAsync(bob, sha, ct);
        Assert.AreEqual(0, check.Hits.Count, "no answer for bytes bob has not shown");

        // Bob uploads the same bytes: alice's answer, no remote call, no charge.
        ClassificationView second = await ClassifyTests.ClassifyAsync(bob, photo, "same.png", ct);
        Assert.AreEqual(("pets", true, before + 1), (second.Category, second.Cached, Requests.Count), "the shared answer, with no second remote call");
        UsageView usage = (await bob.GetFromJsonAsync<UsageView>("/api/v1/usage", Json.Options, ct))!;
        Assert.AreEqual(0, usage.Used, "bob is not charged for an answer that cost nothing");

        // From now on bob's check-cache knows it, and his statistics count the remote call he avoided.
        Assert.AreEqual(sha, (await CheckAsync(bob, sha, ct)).Hits.Single().Sha256);
        CacheEfficiencyView efficiency = (await bob.GetFromJsonAsync<CacheEfficiencyView>("/api/v1/stats/cache-efficiency", Json.Options, ct))!;
        TestContext.WriteLine(efficiency.ToString());
        Assert.AreEqual(2, efficiency.RemoteCallsAvoided, "the shared answer and the check-cache hit");

        // The admin sees who classifies and what the cache saved each.
        using var admin = new HttpRequestMessage(HttpMethod.Get, "/api/v1/stats/users/top?limit=100");
        admin.Headers.Add("X-Admin-Key", DarkroomHost.AdminKey);
        HttpResponseMessage top = await s_host.Client.SendAsync(admin, ct);
        Assert.AreEqual(HttpStatusCode.OK, top.StatusCode, await top.Content.ReadAsStringAsync(ct));
        TopUsersView users = (await top.Content.ReadFromJsonAsync<TopUsersView>(Json.Options, ct))!;
        TopUserView bobs = users.Users.Single(u => u.Tenant == "bob-shared");
        Assert.AreEqual((1L, 1L, 2L), (bobs.Requests, bobs.CacheHits, bobs.RemoteCallsAvoided));
        Assert.AreEqual(1L, users.Users.Single(u => u.Tenant == "alice-shared").Requests);
        Assert.IsGreaterThanOrEqualTo(2L, users.Requests);
        Assert.AreEqual(HttpStatusCode.Unauthorized, (await s_host.Client.GetAsync("/api/v1/stats/users/top", ct)).StatusCode, "only with the admin key");
    }

    private static async Task<CheckCacheView> CheckAsync(HttpClient client, string sha, CancellationToken ct)
    {
        HttpResponseMessage response = await client.PostAsJsonAsync("/api/v1/classify/check-cache", new CheckCacheRequest([sha]), ct);
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        return (await response.Content.ReadFromJsonAsync<CheckCacheView>(Json.Options, ct))!;
    }

    private static string Completion(string content) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-test",
        @object = "chat.completion",
        model = "vision-test-2026",
        choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
    });
}
