using System.Net;
using System.Net.Http.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Darkroom.Api.Jobs;
using Darkroom.Azure;
using Darkroom.Core.Accounts;
using Darkroom.Core.Jobs;
using Darkroom.Core.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace Darkroom.Server.Tests;

/// <summary>The retention sweeper: finished jobs lose checkpoints and originals (not results); stuck reservations are settled.</summary>
[TestClass]
public sealed class RetentionTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task Sweep_DropsCheckpointsAndOriginalsOfFinishedJobs_KeepsResults_AndReleasesAnOrphanReservation()
    {
        CancellationToken ct = TestContext.CancellationToken;
        await using DarkroomHost host = await DarkroomHost.StartAsync(DarkroomHost.NewPrefix(), ct, new()
        {
            ["Darkroom:Inference:Preload"] = "",
            ["Darkroom:Retention:Every"] = "00:00:00",
            ["Darkroom:Retention:CheckpointsAfter"] = "00:00:00",
            ["Darkroom:Retention:OriginalsAfter"] = "00:00:00",
            ["Darkroom:Retention:SettleReservationsAfter"] = "00:00:00",
        });
        (HttpClient client, _) = await host.NewKeyAsync("umbrella", ct);
        MultipartFormDataContent form = DarkroomHost.WithOperation(DarkroomHost.Form(Hostile.HostileFiles.SmallJpeg(96, 64), "p.jpg", """{"keepOriginal":false}"""), "classify");
        JobView job = (await (await client.PostAsync("/api/v1/jobs", form, ct)).Content.ReadFromJsonAsync<JobView>(Json.Options, ct))!;
        job = await host.WaitForAsync(job.Id, j => j.Status.IsFinal(), ct, client: client);
        Assert.AreEqual(JobStatus.Completed, job.Status, job.Error?.Message);

        // A reservation whose submission died before its job existed: nothing would ever settle it.
        ICreditLedger ledger = host.Services.GetRequiredService<ICreditLedger>();
        string month = BillingMonth.Of(DateTimeOffset.UtcNow);
        string orphan = JobIds.New(DateTimeOffset.UtcNow);
        ReserveOutcome reserved = await ledger.ReserveAsync(new ReserveRequest("umbrella", month, orphan, "remove-background", 1, 10_000, 20), ct);
        Assert.AreEqual(ReserveStatus.Reserved, reserved.Status);
        await Task.Delay(1500, ct);

        SweepResult swept = await host.Services.GetRequiredService<RetentionSweeper>().SweepAsync(ct);
        SweepResult again = await host.Services.GetRequiredService<RetentionSweeper>().SweepAsync(ct);

        Assert.IsGreaterThanOrEqualTo(1, swept.CheckpointsDropped);
        Assert.IsGreaterThanOrEqualTo(1, swept.OriginalsDropped);
        Assert.AreEqual(1, swept.ReservationsSettled, "the orphan reservation was released");
        Assert.AreEqual(new SweepResult(0, 0, 0), again, "a second pass finds nothing left to do");
        int checkpointRows = 0;
        await foreach (TableEntity _ in host.Storage.Table(StorageNames.CheckpointsTable).QueryAsync<TableEntity>(e => e.PartitionKey == job.Id, cancellationToken: ct))
        {
            checkpointRows++;
        }

        int uploads = 0;
        await foreach (BlobItem _ in host.Storage.Container("uploads").GetBlobsAsync(new GetBlobsOptions { Prefix = $"umbrella/{job.Id}/" }, ct))
        {
            uploads++;
        }

        Assert.AreEqual(0, checkpointRows);
        Assert.AreEqual(0, uploads);
        Assert.AreEqual(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/jobs/{job.Id}/result", ct)).StatusCode, "the result stays");
        IReadOnlyList<LedgerEntry> entries = await ledger.EntriesAsync("umbrella", month, ct);
        Assert.IsTrue(entries.Any(e => e.Kind == LedgerKinds.Release && e.JobId == orphan), string.Join(", ", entries.Select(e => $"{e.Kind}:{e.JobId}")));
    }
}
