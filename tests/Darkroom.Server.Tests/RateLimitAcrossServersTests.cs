using System.Net;

namespace Darkroom.Server.Tests;

/// <summary>Two servers on one storage account share each key's rate: the plan's limit holds globally, not per process.</summary>
[TestClass]
public sealed class RateLimitAcrossServersTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task TwoServers_OneStorage_TheRateLimitHoldsAcrossThem()
    {
        CancellationToken ct = TestContext.CancellationToken;
        string prefix = DarkroomHost.NewPrefix();
        Dictionary<string, string?> settings = new() { ["Darkroom:Inference:Preload"] = "" };
        await using DarkroomHost first = await DarkroomHost.StartAsync(prefix, ct, settings);
        await using DarkroomHost second = await DarkroomHost.StartAsync(prefix, ct, settings);
        (HttpClient viaFirst, Darkroom.Api.Endpoints.CreatedKeyView key) = await first.NewKeyAsync("initech", ct, plan: "trial");
        using var viaSecond = new HttpClient { BaseAddress = second.Client.BaseAddress };
        viaSecond.DefaultRequestHeaders.Add("X-API-Key", key.Key);

        // The "trial" plan allows 3 requests a minute; keep all of them inside one window.
        if (DateTime.UtcNow.Second >= 50)
        {
            await Task.Delay(TimeSpan.FromSeconds(61 - DateTime.UtcNow.Second), ct);
        }

        HttpStatusCode[] statuses =
        [
            (await viaFirst.GetAsync("/api/v1/usage", ct)).StatusCode,
            (await viaSecond.GetAsync("/api/v1/usage", ct)).StatusCode,
            (await viaFirst.GetAsync("/api/v1/usage", ct)).StatusCode,
            (await viaSecond.GetAsync("/api/v1/usage", ct)).StatusCode,
            (await viaFirst.GetAsync("/api/v1/usage", ct)).StatusCode,
        ];
        HttpResponseMessage refused = await viaSecond.GetAsync("/api/v1/usage", ct);

        CollectionAssert.AreEqual(
            new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests },
            statuses,
            "three requests a minute in all, whichever server answers");
        Assert.AreEqual(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.AreEqual("rate.limited", await JobsApiTests.CodeOfAsync(refused, ct));
        Assert.IsNotNull(refused.Headers.RetryAfter?.Delta);
        viaFirst.Dispose();
    }
}
