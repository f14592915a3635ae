using System.Net;
using System.Net.Http.Json;
using Azure.Data.Tables;
using Darkroom.Api.Contracts;
using Darkroom.Azure;
using Darkroom.Core.Accounts;
using Darkroom.Core.Jobs;
using Darkroom.Core.Workflow;

namespace Darkroom.Server.Tests;

[TestClass]
public sealed class ResumeTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task ServerStoppedMidJob_NextServerResumes_AndEachActivityRanOnce()
    {
        CancellationToken ct = TestContext.CancellationToken;
        string prefix = DarkroomHost.NewPrefix();
        var oneAtATime = new Dictionary<string, string?> { ["Darkroom:Runner:Concurrency"] = "1" };

        string jobId;
        await using (DarkroomHost first = await DarkroomHost.StartAsync(prefix, ct, oneAtATime))
        {
            HttpResponseMessage submitted = await first.Client.PostAsync("/api/v1/jobs", DarkroomHost.Form(TestImages.Photo(TestImages.Astronaut)), ct);
            Assert.AreEqual(HttpStatusCode.Accepted, submitted.StatusCode);
            jobId = (await submitted.Content.ReadFromJsonAsync<JobView>(Json.Options, ct))!.Id;

            // Validate is recorded before the segment stage is shown; stop the server while segmentation runs.
            JobView inSegment = await first.WaitForAsync(jobId, j => j.Stage == JobStage.Segment || j.Status.IsFinal(), ct);
            Assert.AreEqual(JobStage.Segment, inSegment.Stage, "the job should still be segmenting when the server stops");
        }

        await using DarkroomHost second = await DarkroomHost.StartAsync(prefix, ct, oneAtATime);
        JobView done = await second.WaitForAsync(jobId, j => j.Status.IsFinal(), ct);

        Assert.AreEqual(JobStatus.Completed, done.Status, done.Error?.Message);
        Assert.AreEqual(2, done.Runs, "picked up once by each server");
        // The job shows completed as Persist writes it; Persist's and Settle's checkpoints follow a moment later.
        List<TableEntity> calls = [];
        for (DateTime deadline = DateTime.UtcNow.AddSeconds(10); calls.Count < 6 && DateTime.UtcNow < deadline; await Task.Delay(50, ct))
        {
            calls.Clear();
            await foreach (TableEntity call in second.Storage.Table(StorageNames.CheckpointsTable).QueryAsync<TableEntity>(e => e.PartitionKey == jobId, cancellationToken: ct))
            {
                if (call.GetString("Name") != ActivityNames.Progress)
                {
                    calls.Add(call);
                }
            }
        }

        CollectionAssert.AreEqual(
            new[] { ActivityNames.Validate, ActivityNames.Subject, ActivityNames.Segment, ActivityNames.Compose, ActivityNames.Persist, ActivityNames.Settle },
            calls.OrderBy(c => c.RowKey, StringComparer.Ordinal).Select(c => c.GetString("Name")).ToArray(),
            "each activity recorded exactly once: " + string.Join(", ", calls.OrderBy(c => c.RowKey, StringComparer.Ordinal).Select(c => $"{c.RowKey}:{c.GetString("Name")}:{c.GetString("RunId")}:{c.GetString("FailureJson")}")));
        Assert.AreNotEqual(calls[0].GetString("RunId"), calls[^1].GetString("RunId"), "validate ran in the first server, persist in the second");
        Assert.AreEqual(calls[0].GetString("RunId"), calls[1].GetString("RunId"), "the classify stage ran in the first server too");
        Assert.AreEqual(calls[2].GetString("RunId"), calls[^1].GetString("RunId"), "segment was re-run by the second server, not recorded by the first");
        int results = 0;
        await foreach (global::Azure.Storage.Blobs.Models.BlobItem _ in second.Storage.Container("results").GetBlobsAsync(new global::Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = $"default/{jobId}/" }, ct))
        {
            results++;
        }

        Assert.AreEqual(1, results);
        Assert.AreEqual(HttpStatusCode.OK, (await second.Client.GetAsync(done.Result!.Url, ct)).StatusCode);

        // Reserved by the first server's API, committed by the second server's workflow: charged exactly once.
        var ledger = new TableCreditLedger(second.Storage, TimeProvider.System);
        string month = BillingMonth.Of(DateTimeOffset.UtcNow);
        IReadOnlyList<LedgerEntry> entries = [];
        for (DateTime deadline = DateTime.UtcNow.AddSeconds(10); !entries.Any(e => e.Kind == LedgerKinds.Commit) && DateTime.UtcNow < deadline; await Task.Delay(50, ct))
        {
            entries = await ledger.EntriesAsync("default", month, ct);
        }

        CollectionAssert.AreEquivalent(new[] { "reserve", "commit" }, entries.Where(e => e.JobId == jobId).Select(e => e.Kind).ToArray());
        LedgerBalance balance = await ledger.GetAsync("default", month, 0, ct);
        Assert.AreEqual((1L, 0L, 0), (balance.Spent, balance.Reserved, balance.Active));
    }

    /// <summary>
    /// A message picked up and dropped six times (six processes that died holding it, as kill -9 leaves it) is not a
    /// job that failed six times: the next server runs it to completion. (The old rule abandoned it after five.)
    /// </summary>
    [TestMethod]
    public async Task PickUpsByDeadProcesses_AreNotFailures_TheJobStillRuns()
    {
        CancellationToken ct = TestContext.CancellationToken;
        string prefix = DarkroomHost.NewPrefix();
        string jobId;
        await using (DarkroomHost idle = await DarkroomHost.StartAsync(prefix, ct, new() { ["Darkroom:Runner:Concurrency"] = "0" }))
        {
            HttpResponseMessage submitted = await idle.Client.PostAsync("/api/v1/jobs", DarkroomHost.Form(TestImages.Plain(64, 48), "grey.png"), ct);
            Assert.AreEqual(HttpStatusCode.Accepted, submitted.StatusCode);
            jobId = (await submitted.Content.ReadFromJsonAsync<JobView>(Json.Options, ct))!.Id;

            var queue = new StorageWorkQueue(idle.Storage);
            long pickups = 0;
            for (int i = 0; i < 6; i++)
            {
                Darkroom.Core.Ports.WorkLease? lease = null;
                for (DateTime deadline = DateTime.UtcNow.AddSeconds(10); lease is null && DateTime.UtcNow < deadline; await Task.Delay(100, ct))
                {
                    lease = await queue.ReceiveAsync(TimeSpan.FromSeconds(1), ct);
                }

                Assert.IsNotNull(lease, $"pick-up {i + 1}");
                pickups = lease.DequeueCount;
            }

            Assert.AreEqual(6, pickups);
        }

        await Task.Delay(1100, ct);
        await using DarkroomHost worker = await DarkroomHost.StartAsync(prefix, ct, new() { ["Darkroom:Runner:Concurrency"] = "1" });
        JobView done = await worker.WaitForAsync(jobId, j => j.Status.IsFinal(), ct);
        Assert.AreEqual(JobStatus.Completed, done.Status, done.Error?.Message);
    }
}
