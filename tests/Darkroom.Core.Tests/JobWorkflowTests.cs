using Darkroom.Core.Accounts;
using Darkroom.Core.Errors;
using Darkroom.Core.Images;
using Darkroom.Core.Jobs;
using Darkroom.Core.Options;
using Darkroom.Core.Workflow;

namespace Darkroom.Core.Tests;

[TestClass]
public sealed class JobWorkflowTests
{
    private static readonly JobInput Input = new("job1", "t1", JobOperation.RemoveBackground, "uploads/t1/job1/source", null, new JobOptions { RemoveBackground = new RemoveBackgroundOptions() });
    private static readonly JobResult Result = new("results/t1/job1/result.png", "image/png", 100, 10, 10);
    private static readonly CutoutSubject Subject = new(SubjectType.Photo, 0.9, CutoutSubject.Model, "border not flat");

    [TestMethod]
    public async Task RunAsync_AllActivitiesSucceed_CallsThemInOrderAndCompletes()
    {
        var context = new ScriptedContext();

        JobOutcome outcome = await JobWorkflow.RunAsync(context, Input);

        CollectionAssert.AreEqual(
            new[]
            {
                ActivityNames.Progress, ActivityNames.Validate, ActivityNames.Progress, ActivityNames.Subject, ActivityNames.Progress, ActivityNames.Segment,
                ActivityNames.Progress, ActivityNames.Compose, ActivityNames.Progress, ActivityNames.Persist,
            },
            context.Calls);
        Assert.AreEqual(JobStatus.Completed, outcome.Status);
        Assert.AreEqual(Result with { Model = "isnet", ExecutionProvider = "cpu" }, outcome.Result, "the job says which model made the matte and where it ran");
        CollectionAssert.AreEqual(new[] { "validate", "subject", "segment", "compose", "persist" }, outcome.Timings.Select(t => t.Stage).ToArray());
        CollectionAssert.AreEqual(new[] { 5, 15, 25, 60, 90 }, context.Progress.Select(p => p.Percent).ToArray());

        // The classify stage's decision reaches segment and compose.
        Assert.AreEqual(Subject, ((SegmentRequest)context.Inputs[context.Calls.IndexOf(ActivityNames.Segment)]).Subject);
        Assert.AreEqual(Subject, ((ComposeRequest)context.Inputs[context.Calls.IndexOf(ActivityNames.Compose)]).Subject);
    }

    [TestMethod]
    public async Task RunAsync_SegmentFails_RecordsTheFailureAndSkipsTheRest()
    {
        var error = new JobError(ErrorCodes.ImageCorrupt, "bad", 422);
        var context = new ScriptedContext { FailAt = ActivityNames.Segment, Failure = error };

        JobOutcome outcome = await JobWorkflow.RunAsync(context, Input);

        CollectionAssert.AreEqual(
            new[] { ActivityNames.Progress, ActivityNames.Validate, ActivityNames.Progress, ActivityNames.Subject, ActivityNames.Progress, ActivityNames.Segment, ActivityNames.Fail },
            context.Calls);
        Assert.AreEqual(JobStatus.Failed, outcome.Status);
        Assert.AreEqual(error, ((FailRequest)context.Inputs[^1]).Error);
    }

    [TestMethod]
    public async Task RunAsync_RemoveWatermark_FindsTheMaskThenInpaints()
    {
        var context = new ScriptedContext();

        JobOutcome outcome = await JobWorkflow.RunAsync(
            context,
            Input with { Operation = JobOperation.RemoveWatermark, Options = new JobOptions { RemoveWatermark = new RemoveWatermarkOptions() } });

        CollectionAssert.AreEqual(
            new[] { ActivityNames.Validate, ActivityNames.Mask, ActivityNames.Inpaint, ActivityNames.Persist },
            context.Calls.Where(c => c != ActivityNames.Progress).ToArray());
        Assert.AreEqual("work/t1/job1/mask.png", context.Inputs.OfType<InpaintRequest>().Single().MaskBlob);
        CollectionAssert.AreEqual(new[] { "validate", "mask", "inpaint", "persist" }, outcome.Timings.Select(t => t.Stage).ToArray());
    }

    [TestMethod]
    public async Task RunAsync_JobDeletedWhileRunning_StopsAtTheNextStage()
    {
        var context = new ScriptedContext { StopAtProgress = 2 };

        JobOutcome outcome = await JobWorkflow.RunAsync(context, Input);

        Assert.AreEqual(JobStatus.Canceled, outcome.Status);
        CollectionAssert.DoesNotContain(context.Calls, ActivityNames.Compose);
        CollectionAssert.DoesNotContain(context.Calls, ActivityNames.Persist);
    }

    [TestMethod]
    public async Task RunAsync_BlobDrop_PassesTheOutboxToPersist()
    {
        var context = new ScriptedContext();

        await JobWorkflow.RunAsync(context, Input with { OutboxBlob = "outbox/remove-background/a.png" });

        Assert.AreEqual("outbox/remove-background/a.png", context.Inputs.OfType<PersistRequest>().Single().OutboxBlob);
    }

    [TestMethod]
    public async Task RunAsync_Completed_CommitsTheChargeThenNotifies()
    {
        var context = new ScriptedContext();

        await JobWorkflow.RunAsync(context, Input with { Charge = new Charge("2026-11", 1), CallbackUrl = "https://example.com/hook", KeyHash = "k" });

        CollectionAssert.AreEqual(new[] { ActivityNames.Persist, ActivityNames.Settle, ActivityNames.Notify }, context.Calls.TakeLast(3).ToArray());
        Assert.AreEqual(LedgerKinds.Commit, context.Inputs.OfType<SettleRequest>().Single().Kind);
    }

    [TestMethod]
    public async Task RunAsync_Failed_ReleasesTheCharge_AndAFailedCallbackDoesNotChangeTheOutcome()
    {
        var context = new ScriptedContext { FailAt = ActivityNames.Segment, Failure = new JobError(ErrorCodes.ImageCorrupt, "bad", 422), AlsoFail = ActivityNames.Notify };

        JobOutcome outcome = await JobWorkflow.RunAsync(context, Input with { Charge = new Charge("2026-11", 1), CallbackUrl = "https://example.com/hook" });

        CollectionAssert.AreEqual(new[] { ActivityNames.Fail, ActivityNames.Settle, ActivityNames.Notify }, context.Calls.TakeLast(3).ToArray());
        Assert.AreEqual(LedgerKinds.Release, context.Inputs.OfType<SettleRequest>().Single().Kind);
        Assert.AreEqual(JobStatus.Failed, outcome.Status);
        Assert.AreEqual(ErrorCodes.ImageCorrupt, outcome.Error!.Code);
    }

    [TestMethod]
    public async Task RunAsync_Canceled_ReleasesTheCharge()
    {
        var context = new ScriptedContext { StopAtProgress = 2 };

        await JobWorkflow.RunAsync(context, Input with { Charge = new Charge("2026-11", 1) });

        Assert.AreEqual(LedgerKinds.Release, context.Inputs.OfType<SettleRequest>().Single().Kind);
    }

    [TestMethod]
    public void RetrySpec_Delays_GrowAndAreCapped()
    {
        var spec = new RetrySpec(5, TimeSpan.FromSeconds(1), 2, TimeSpan.FromSeconds(3));

        Assert.AreEqual(TimeSpan.FromSeconds(1), spec.DelayBefore(2));
        Assert.AreEqual(TimeSpan.FromSeconds(2), spec.DelayBefore(3));
        Assert.AreEqual(TimeSpan.FromSeconds(3), spec.DelayBefore(4));
    }

    /// <summary>Answers each activity with a fixed record, in memory; the workflow is pure, so this is all it sees.</summary>
    private sealed class ScriptedContext : IWorkflowContext
    {
        public List<string> Calls { get; } = [];

        public List<object> Inputs { get; } = [];

        public List<JobProgress> Progress { get; } = [];

        public string? FailAt { get; init; }

        public JobError? Failure { get; init; }

        /// <summary>A second activity that fails (with a transient error).</summary>
        public string? AlsoFail { get; init; }

        /// <summary>The Progress call (1-based) that reports the job gone.</summary>
        public int StopAtProgress { get; init; } = int.MaxValue;

        private int _progressCalls;

        public DateTimeOffset UtcNow => DateTimeOffset.UnixEpoch;

        public Task<TOut> CallActivityAsync<TOut>(string activity, object input, RetrySpec retry)
        {
            Calls.Add(activity);
            Inputs.Add(input);
            if (activity == FailAt)
            {
                throw new ActivityFailedException(activity, Failure!);
            }

            if (activity == AlsoFail)
            {
                throw new ActivityFailedException(activity, new JobError(ErrorCodes.WebhookFailed, "HTTP 500", 502));
            }

            object result = activity switch
            {
                ActivityNames.Progress => new ProgressResult(++_progressCalls < StopAtProgress),
                ActivityNames.Validate => new ValidateResult(new ImageFacts(ImageFormat.Jpeg, 10, 10, 1, false, false, 100), 1),
                ActivityNames.Subject => new SubjectResult(Subject, 1),
                ActivityNames.Segment => new SegmentResult("work/t1/job1/matte.png", "isnet", "cpu", 2),
                ActivityNames.Compose => new ComposeResult(Result, 3),
                ActivityNames.Mask => new MaskResult("work/t1/job1/mask.png", 0.01, 1, 6),
                ActivityNames.Inpaint => new ComposeResult(Result, 7),
                ActivityNames.Persist => new PersistResult(4),
                ActivityNames.Fail => new FailResult(5),
                ActivityNames.Settle => new SettleResult(true, 1),
                ActivityNames.Notify => new NotifyResult(true, 1),
                _ => throw new InvalidOperationException(activity),
            };
            return Task.FromResult((TOut)result);
        }

        public Guid NewGuid() => Guid.Empty;

        public void SetProgress(JobProgress progress) => Progress.Add(progress);
    }
}
