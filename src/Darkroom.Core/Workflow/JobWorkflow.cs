using Darkroom.Core.Jobs;

namespace Darkroom.Core.Workflow;

/// <summary>
/// validate → segment → compose → persist, as plain deterministic code: no I/O, no clocks, no randomness.
/// Every side effect is an activity, so both hosts can replay it.
/// </summary>
public static class JobWorkflow
{
    public static async Task<JobOutcome> RunAsync(IWorkflowContext context, JobInput input)
    {
        var timings = new List<StageTiming>();
        try
        {
            context.SetProgress(new JobProgress(JobStage.Validate, 5, [.. timings]));
            ValidateResult validated = await context.CallActivityAsync<ValidateResult>(
                ActivityNames.Validate,
                new ValidateRequest(input.JobId, input.Tenant, input.SourceBlob, input.BackgroundBlob),
                RetrySpec.Transient);
            timings.Add(new StageTiming(JobStage.Validate, validated.ElapsedMs));

            JobResult result = input.Operation switch
            {
                JobOperation.RemoveBackground => await RemoveBackgroundAsync(context, input, timings),
                _ => throw new InvalidOperationException($"No workflow for {input.Operation}."),
            };

            context.SetProgress(new JobProgress(JobStage.Persist, 90, [.. timings]));
            PersistResult persisted = await context.CallActivityAsync<PersistResult>(
                ActivityNames.Persist,
                new PersistRequest(input.JobId, input.Tenant, result, validated.Facts, [.. timings]),
                RetrySpec.Persistent);
            timings.Add(new StageTiming(JobStage.Persist, persisted.ElapsedMs));
            return new JobOutcome(JobStatus.Completed, result, null, timings);
        }
        catch (ActivityFailedException failure)
        {
            await context.CallActivityAsync<FailResult>(
                ActivityNames.Fail,
                new FailRequest(input.JobId, input.Tenant, failure.Error, [.. timings]),
                RetrySpec.Persistent);
            return new JobOutcome(JobStatus.Failed, null, failure.Error, timings);
        }
    }

    private static async Task<JobResult> RemoveBackgroundAsync(IWorkflowContext context, JobInput input, List<StageTiming> timings)
    {
        Options.RemoveBackgroundOptions options = input.Options.RemoveBackground ?? new Options.RemoveBackgroundOptions();

        context.SetProgress(new JobProgress(JobStage.Segment, 20, [.. timings]));
        SegmentResult segmented = await context.CallActivityAsync<SegmentResult>(
            ActivityNames.Segment,
            new SegmentRequest(input.JobId, input.Tenant, input.SourceBlob, options.Model),
            RetrySpec.Transient);
        timings.Add(new StageTiming(JobStage.Segment, segmented.ElapsedMs));

        context.SetProgress(new JobProgress(JobStage.Compose, 60, [.. timings]));
        ComposeResult composed = await context.CallActivityAsync<ComposeResult>(
            ActivityNames.Compose,
            new ComposeRequest(input.JobId, input.Tenant, input.SourceBlob, segmented.MatteBlob, input.BackgroundBlob, options),
            RetrySpec.Transient);
        timings.Add(new StageTiming(JobStage.Compose, composed.ElapsedMs));
        return composed.Result;
    }
}
