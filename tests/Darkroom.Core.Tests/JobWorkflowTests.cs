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

    [TestMethod]
    public async Task RunAsync_AllActivitiesSucceed_CallsThemInOrderAndCompletes()
    {
        var context = new ScriptedContext();

        JobOutcome outcome = await JobWorkflow.RunAsync(context, Input);

        CollectionAssert.AreEqual(
            new[] { ActivityNames.Validate, ActivityNames.Segment, ActivityNames.Compose, ActivityNames.Persist },
            context.Calls);
        Assert.AreEqual(JobStatus.Completed, outcome.Status);
        Assert.AreEqual(Result, outcome.Result);
        CollectionAssert.AreEqual(new[] { "validate", "segment", "compose", "persist" }, outcome.Timings.Select(t => t.Stage).ToArray());
        CollectionAssert.AreEqual(new[] { 5, 20, 60, 90 }, context.Progress.Select(p => p.Percent).ToArray());
    }

    [TestMethod]
    public async Task RunAsync_SegmentFails_RecordsTheFailureAndSkipsTheRest()
    {
        var error = new JobError(ErrorCodes.ImageCorrupt, "bad", 422);
        var context = new ScriptedContext { FailAt = ActivityNames.Segment, Failure = error };

        JobOutcome outcome = await JobWorkflow.RunAsync(context, Input);

        CollectionAssert.AreEqual(new[] { ActivityNames.Validate, ActivityNames.Segment, ActivityNames.Fail }, context.Calls);
        Assert.AreEqual(JobStatus.Failed, outcome.Status);
        Assert.AreEqual(error, ((FailRequest)context.Inputs[^1]).Error);
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

        public DateTimeOffset UtcNow => DateTimeOffset.UnixEpoch;

        public Task<TOut> CallActivityAsync<TOut>(string activity, object input, RetrySpec retry)
        {
            Calls.Add(activity);
            Inputs.Add(input);
            if (activity == FailAt)
            {
                throw new ActivityFailedException(activity, Failure!);
            }

            object result = activity switch
            {
                ActivityNames.Validate => new ValidateResult(new ImageFacts(ImageFormat.Jpeg, 10, 10, 1, false, false, 100), 1),
                ActivityNames.Segment => new SegmentResult("work/t1/job1/matte.png", "isnet", "cpu", 2),
                ActivityNames.Compose => new ComposeResult(Result, 3),
                ActivityNames.Persist => new PersistResult(4),
                ActivityNames.Fail => new FailResult(5),
                _ => throw new InvalidOperationException(activity),
            };
            return Task.FromResult((TOut)result);
        }

        public Guid NewGuid() => Guid.Empty;

        public void SetProgress(JobProgress progress) => Progress.Add(progress);
    }
}
