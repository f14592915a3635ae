using System.Diagnostics;
using System.Net.Http.Json;
using Darkroom.Core.Jobs;

namespace Darkroom.Server.Tests;

/// <summary>One tenant's dead webhook does not hold a worker: its retries wait in the queue, not in a worker slot.</summary>
[TestClass]
public sealed class SlowWebhookTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task DeadWebhook_RetriesWithoutAWorker_AnotherTenantsJobFinishesInItsOwnTime()
    {
        CancellationToken ct = TestContext.CancellationToken;
        await using WebhookReceiver dead = await WebhookReceiver.StartAsync(ct, [.. Enumerable.Repeat(500, 10)]);
        await using DarkroomHost host = await DarkroomHost.StartAsync(DarkroomHost.NewPrefix(), ct, new()
        {
            ["Darkroom:Inference:Preload"] = "",
            ["Darkroom:Webhooks:AllowPrivateHosts"] = "true",
            // One worker: if a back-off slept in it, every other job would wait behind the webhook.
            ["Darkroom:Runner:Concurrency"] = "1",
        });
        (HttpClient hooked, _) = await host.NewKeyAsync("deadhook", ct, callbackUrl: dead.Url);
        (HttpClient other, _) = await host.NewKeyAsync("bystander", ct);

        JobView first = await SubmitClassifyAsync(hooked, ct);
        first = await host.WaitForAsync(first.Id, j => j.Webhook?.Attempts.Count >= 2, ct, timeoutSeconds: 60, client: hooked);
        var clock = Stopwatch.StartNew();
        JobView second = await SubmitClassifyAsync(other, ct);
        second = await host.WaitForAsync(second.Id, j => j.Status.IsFinal(), ct, timeoutSeconds: 60, client: other);
        clock.Stop();
        JobView firstNow = (await hooked.GetFromJsonAsync<JobView>($"/api/v1/jobs/{first.Id}", Json.Options, ct))!;

        Assert.AreEqual(JobStatus.Completed, second.Status, second.Error?.Message);
        Assert.IsLessThan(25, clock.Elapsed.TotalSeconds, $"the bystander's job took {clock.Elapsed.TotalSeconds:0.0} s behind a webhook retrying after 8 s, 32 s and 2 min");
        Assert.IsFalse(firstNow.Webhook!.Delivered);
        Assert.IsLessThan(5, firstNow.Webhook.Attempts.Count, "the dead webhook's retries are still pending while the other job ran");
        TestContext.WriteLine($"bystander finished in {clock.Elapsed.TotalSeconds:0.0} s; dead webhook attempts so far: {firstNow.Webhook.Attempts.Count}");
    }

    private static async Task<JobView> SubmitClassifyAsync(HttpClient client, CancellationToken ct)
    {
        MultipartFormDataContent form = DarkroomHost.WithOperation(DarkroomHost.Form(Hostile.HostileFiles.SmallJpeg(96, 64), "p.jpg"), "classify");
        HttpResponseMessage response = await client.PostAsync("/api/v1/jobs", form, ct);
        Assert.AreEqual(System.Net.HttpStatusCode.Accepted, response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        return (await response.Content.ReadFromJsonAsync<JobView>(Json.Options, ct))!;
    }
}
