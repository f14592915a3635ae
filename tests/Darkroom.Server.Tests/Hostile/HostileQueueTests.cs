using System.Net.Http.Json;
using Azure.Storage.Queues;
using Darkroom.Api.Contracts;
using Darkroom.Azure;
using Darkroom.Core.Jobs;

namespace Darkroom.Server.Tests.Hostile;

/// <summary>Malformed messages on the job queue: each is set aside on the poison queue once, and the workers go on.</summary>
[TestClass]
public sealed class HostileQueueTests
{
    private static DarkroomHost s_host = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context) =>
        s_host = await DarkroomHost.StartAsync(DarkroomHost.NewPrefix(), context.CancellationToken, new() { ["Darkroom:Inference:Preload"] = "" });

    [ClassCleanup]
    public static async Task StopAsync() => await s_host.DisposeAsync();

    [TestMethod]
    public async Task MalformedMessages_GoToThePoisonQueue_AndJobsStillRun()
    {
        CancellationToken ct = TestContext.CancellationToken;
        QueueClient queue = s_host.Storage.Queue(s_host.Storage.JobQueueName);
        QueueClient poison = s_host.Storage.Queue(StorageNames.Poison(s_host.Storage.JobQueueName));
        string[] malformed =
        [
            "hello-not-json", "{}", "null", "[1,2,3]", "\"a string\"", "{\"tenant\":\"default\"}", "{\"jobId\":\"ffffffffffffffffffffffffffffffff\"}",
            "{\"tenant\":\"../acme\",\"jobId\":\"ffffffffffffffffffffffffffffffff\"}", "{\"tenant\":\"default\",\"jobId\":\"../../x\"}",
            "{\"tenant\":\"default\",\"jobId\":123}", "{\"tenant\":\"default\",\"jobId\":\"" + new string('f', 32) + "\"", new string('x', 60_000),
            "{\"tenant\":\"a\\nb\",\"jobId\":\"ffffffffffffffffffffffffffffffff\"}",
        ];
        foreach (string message in malformed)
        {
            await queue.SendMessageAsync(message, ct);
        }

        // A well-formed item for a job that does not exist is simply done with; a real job after all that still runs.
        await queue.SendMessageAsync("{\"tenant\":\"default\",\"jobId\":\"" + JobIds.New(DateTimeOffset.UtcNow) + "\"}", ct);
        HttpResponseMessage submitted = await s_host.Client.PostAsync("/api/v1/jobs", DarkroomHost.WithOperation(DarkroomHost.Form(HostileFiles.SmallJpeg(), "p.jpg"), "classify"), ct);
        JobView job = (await submitted.Content.ReadFromJsonAsync<JobView>(Json.Options, ct))!;
        job = await s_host.WaitForAsync(job.Id, j => j.Status.IsFinal(), ct);

        int poisoned = 0, waiting = -1;
        for (DateTime deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(200, ct))
        {
            poisoned = (await poison.GetPropertiesAsync(ct)).Value.ApproximateMessagesCount;
            waiting = (await queue.GetPropertiesAsync(ct)).Value.ApproximateMessagesCount;
            if (poisoned >= malformed.Length && waiting == 0)
            {
                break;
            }
        }

        HealthView health = (await s_host.Client.GetFromJsonAsync<HealthView>("/api/v1/health", Json.Options, ct))!;
        Assert.AreEqual(JobStatus.Completed, job.Status, job.Error?.Message);
        Assert.AreEqual(malformed.Length, poisoned, "each malformed message set aside exactly once");
        Assert.AreEqual(0, waiting, "the job queue drained");
        Assert.IsTrue(health.Loops.Where(l => l.Name.StartsWith("queue-worker", StringComparison.Ordinal)).All(l => l.State == "running" && l.Restarts == 0), string.Join(", ", health.Loops));
        Assert.AreEqual(malformed.Length, health.Loops.Single(l => l.Name == "queue").PoisonInputs);
        TestContext.WriteLine($"{malformed.Length} malformed queue messages set aside");
    }
}
