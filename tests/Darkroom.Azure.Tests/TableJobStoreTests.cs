using Darkroom.Core.Jobs;
using Darkroom.Core.Options;
using Darkroom.Core.Ports;

namespace Darkroom.Azure.Tests;

[TestClass]
public sealed class TableJobStoreTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task CreateGetUpdate_RoundTripsTheRecord()
    {
        var store = new TableJobStore(await Storage.FreshAsync(TestContext.CancellationToken));
        JobRecord job = Job("t1", DateTimeOffset.UtcNow);

        Assert.IsTrue(await store.TryCreateAsync(job, TestContext.CancellationToken));
        Assert.IsFalse(await store.TryCreateAsync(job, TestContext.CancellationToken), "a second create of the same id is refused");
        await store.UpdateAsync("t1", job.JobId, j => j with { Status = JobStatus.Processing, Stage = JobStage.Segment, Timings = [new StageTiming("validate", 12)] }, TestContext.CancellationToken);
        JobRecord? read = await store.GetAsync("t1", job.JobId, TestContext.CancellationToken);

        Assert.AreEqual(JobStatus.Processing, read!.Status);
        Assert.AreEqual(JobStage.Segment, read.Stage);
        Assert.AreEqual(12, read.Timings[0].ElapsedMs);
        Assert.AreEqual(job.Options, read.Options);
    }

    [TestMethod]
    public async Task Update_ConcurrentChanges_AreAllApplied()
    {
        var store = new TableJobStore(await Storage.FreshAsync(TestContext.CancellationToken));
        JobRecord job = Job("t1", DateTimeOffset.UtcNow);
        await store.TryCreateAsync(job, TestContext.CancellationToken);

        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            store.UpdateAsync("t1", job.JobId, j => j with { Runs = j.Runs + 1 }, TestContext.CancellationToken)));

        Assert.AreEqual(5, (await store.GetAsync("t1", job.JobId, TestContext.CancellationToken))!.Runs);
    }

    [TestMethod]
    public async Task List_PagesNewestFirstWithinTheTenant()
    {
        var store = new TableJobStore(await Storage.FreshAsync(TestContext.CancellationToken));
        DateTimeOffset start = DateTimeOffset.UtcNow;
        JobRecord[] jobs = [.. Enumerable.Range(0, 5).Select(i => Job("t1", start.AddSeconds(i)))];
        foreach (JobRecord job in jobs)
        {
            await store.TryCreateAsync(job, TestContext.CancellationToken);
        }

        await store.TryCreateAsync(Job("t2", start), TestContext.CancellationToken);

        JobPage first = await store.ListAsync("t1", 3, null, TestContext.CancellationToken);
        JobPage second = await store.ListAsync("t1", 3, first.Continuation, TestContext.CancellationToken);

        CollectionAssert.AreEqual(
            jobs.Reverse().Select(j => j.JobId).ToArray(),
            first.Jobs.Concat(second.Jobs).Select(j => j.JobId).ToArray());
        Assert.IsNull(second.Continuation);
    }

    [TestMethod]
    public async Task ClaimIdempotencyKey_SecondClaim_GetsTheFirstJob()
    {
        var store = new TableJobStore(await Storage.FreshAsync(TestContext.CancellationToken));

        string first = await store.ClaimIdempotencyKeyAsync("t1", "k", "job-a", TimeSpan.FromMinutes(2), TestContext.CancellationToken);
        string second = await store.ClaimIdempotencyKeyAsync("t1", "k", "job-b", TimeSpan.FromMinutes(2), TestContext.CancellationToken);
        string otherTenant = await store.ClaimIdempotencyKeyAsync("t2", "k", "job-c", TimeSpan.FromMinutes(2), TestContext.CancellationToken);

        Assert.AreEqual("job-a", first);
        Assert.AreEqual("job-a", second);
        Assert.AreEqual("job-c", otherTenant);
    }

    [TestMethod]
    public async Task ClaimIdempotencyKey_StaleClaimWithoutAJob_IsTakenOver_ALiveOneIsNot()
    {
        CancellationToken ct = TestContext.CancellationToken;
        var store = new TableJobStore(await Storage.FreshAsync(ct));
        JobRecord live = Job("t1", DateTimeOffset.UtcNow);
        await store.TryCreateAsync(live, ct);

        await store.ClaimIdempotencyKeyAsync("t1", "dead", "job-that-never-was", TimeSpan.FromMinutes(2), ct);
        await store.ClaimIdempotencyKeyAsync("t1", "alive", live.JobId, TimeSpan.FromMinutes(2), ct);
        await Task.Delay(300, ct);

        Assert.AreEqual("job-that-never-was", await store.ClaimIdempotencyKeyAsync("t1", "dead", "job-x", TimeSpan.FromMinutes(2), ct), "a young claim is still being accepted");
        Assert.AreEqual("job-x", await store.ClaimIdempotencyKeyAsync("t1", "dead", "job-x", TimeSpan.FromMilliseconds(100), ct), "a stale claim without a job is taken over");
        Assert.AreEqual(live.JobId, await store.ClaimIdempotencyKeyAsync("t1", "alive", "job-y", TimeSpan.FromMilliseconds(100), ct), "a claim whose job exists is never taken over");
    }

    private static JobRecord Job(string tenant, DateTimeOffset created)
    {
        string id = JobIds.New(created);
        return new JobRecord
        {
            Tenant = tenant,
            JobId = id,
            Operation = JobOperation.RemoveBackground,
            Status = JobStatus.Pending,
            CreatedAt = created,
            SourceBlob = ArtifactPaths.Source(tenant, id),
            Options = new JobOptions { RemoveBackground = new RemoveBackgroundOptions { Background = "#ffffff" } },
        };
    }
}
