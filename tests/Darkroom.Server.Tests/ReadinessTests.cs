using System.Net;
using System.Net.Http.Json;
using Darkroom.Api.Contracts;

namespace Darkroom.Server.Tests;

/// <summary>Liveness answers at once; readiness waits for storage and the model warm-up, and says why not.</summary>
[TestClass]
public sealed class ReadinessTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task Ready_AfterTheWarmUp_LiveAlways()
    {
        CancellationToken ct = TestContext.CancellationToken;
        await using DarkroomHost host = await DarkroomHost.StartAsync(DarkroomHost.NewPrefix(), ct, new() { ["Darkroom:Inference:Preload"] = "isnet-fp16" });

        HttpResponseMessage live = await host.Client.GetAsync("/api/v1/health/live", ct);
        Assert.AreEqual(HttpStatusCode.OK, live.StatusCode);
        Assert.AreEqual("alive", (await live.Content.ReadFromJsonAsync<ReadinessView>(Json.Options, ct))!.Status);

        ReadinessView? ready = null;
        for (DateTime deadline = DateTime.UtcNow.AddSeconds(90); DateTime.UtcNow < deadline; await Task.Delay(250, ct))
        {
            HttpResponseMessage response = await host.Client.GetAsync("/api/v1/health/ready", ct);
            ready = await response.Content.ReadFromJsonAsync<ReadinessView>(Json.Options, ct);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                break;
            }

            Assert.AreEqual(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            StringAssert.Contains(ready!.Reason, "warming up");
        }

        Assert.AreEqual("ready", ready!.Status, ready.Reason);
        Assert.IsTrue((await host.Client.GetFromJsonAsync<HealthView>("/api/v1/health", Json.Options, ct))!.Models.Single(m => m.Id == "isnet-fp16").Loaded, "ready means the preloaded model is loaded");
    }

    [TestMethod]
    public async Task NotReady_WhenAPreloadedModelIsMissing_SaysWhich()
    {
        CancellationToken ct = TestContext.CancellationToken;
        string empty = Directory.CreateTempSubdirectory("darkroom-no-models-").FullName;
        await using DarkroomHost host = await DarkroomHost.StartAsync(
            DarkroomHost.NewPrefix(), ct, new() { ["Darkroom:Inference:Preload"] = "isnet", ["Darkroom:Inference:ModelDirectory"] = empty });

        ReadinessView? ready = null;
        for (DateTime deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(100, ct))
        {
            HttpResponseMessage response = await host.Client.GetAsync("/api/v1/health/ready", ct);
            Assert.AreEqual(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            ready = await response.Content.ReadFromJsonAsync<ReadinessView>(Json.Options, ct);
            if (ready!.Reason!.Contains("failed", StringComparison.Ordinal))
            {
                break;
            }
        }

        StringAssert.Contains(ready!.Reason, "model warm-up failed");
        StringAssert.Contains(ready.Reason, "isnet");
        Assert.AreEqual(HttpStatusCode.OK, (await host.Client.GetAsync("/api/v1/health/live", ct)).StatusCode, "alive all the same: a restart would not install the model");
    }
}
