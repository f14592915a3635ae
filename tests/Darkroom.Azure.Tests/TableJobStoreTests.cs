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

        string first = await store.ClaimIdempotencyKeyAsync("t1", "k", "job-a", TestContext.CancellationToken);
        string second = await store.ClaimIdempotencyKeyAsync("t1", "k", "job-b", TestContext.CancellationToken);
        string otherTenant = await store.ClaimIdempotencyKeyAsync("t2", "k", "job-c", TestContext.CancellationToken);

        Assert.AreEqual("job-a", first);
        Assert.AreEqual("job-a", second);
        Assert.AreEqual("job-c", otherTenant);
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
