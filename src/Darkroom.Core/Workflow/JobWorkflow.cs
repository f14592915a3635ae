using Darkroom.Core.Errors;
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
            if (!await ReportAsync(context, input, JobStage.Validate, 5, timings))
            {
                return Canceled(timings);
            }

            ValidateResult validated = await context.CallActivityAsync<ValidateResult>(
                ActivityNames.Validate,
                new ValidateRequest(input.JobId, input.Tenant, input.SourceBlob, input.BackgroundBlob),
                RetrySpec.Transient);
            timings.Add(new StageTiming(JobStage.Validate, validated.ElapsedMs));

            JobResult? result = input.Operation switch
            {
                JobOperation.RemoveBackground => await RemoveBackgroundAsync(context, input, timings),
                JobOperation.RemoveWatermark => await RemoveWatermarkAsync(context, input, timings),
                _ => throw new InvalidOperationException($"No workflow for {input.Operation}."),
            };

            if (result is null || !await ReportAsync(context, input, JobStage.Persist, 90, timings))
            {
                return Canceled(timings);
            }

            PersistResult persisted = await context.CallActivityAsync<PersistResult>(
                ActivityNames.Persist,
                new PersistRequest(input.JobId, input.Tenant, result, validated.Facts, [.. timings], input.OutboxBlob),
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

    /// <summary>Shows the stage (an activity, so it is replayed like any other step); false when the job is gone.</summary>
    private static async Task<bool> ReportAsync(IWorkflowContext context, JobInput input, string stage, int percent, List<StageTiming> timings)
    {
        context.SetProgress(new JobProgress(stage, percent, [.. timings]));
        ProgressResult progress = await context.CallActivityAsync<ProgressResult>(
            ActivityNames.Progress,
            new ProgressRequest(input.JobId, input.Tenant, stage, percent, [.. timings]),
            RetrySpec.Transient);
        return progress.Proceed;
    }

    private static JobOutcome Canceled(List<StageTiming> timings) =>
        new(JobStatus.Canceled, null, new JobError(ErrorCodes.JobCanceled, "The job was deleted or canceled while it ran.", 410), timings);

    private static async Task<JobResult?> RemoveWatermarkAsync(IWorkflowContext context, JobInput input, List<StageTiming> timings)
    {
        Options.RemoveWatermarkOptions options = input.Options.RemoveWatermark ?? new Options.RemoveWatermarkOptions();
        if (!await ReportAsync(context, input, JobStage.Mask, 20, timings))
        {
            return null;
        }

        MaskResult mask = await context.CallActivityAsync<MaskResult>(
            ActivityNames.Mask,
            new MaskRequest(input.JobId, input.Tenant, input.SourceBlob, input.MaskBlob, options),
            RetrySpec.Transient);
        timings.Add(new StageTiming(JobStage.Mask, mask.ElapsedMs));

        if (!await ReportAsync(context, input, JobStage.Inpaint, 50, timings))
        {
            return null;
        }

        ComposeResult inpainted = await context.CallActivityAsync<ComposeResult>(
            ActivityNames.Inpaint,
            new InpaintRequest(input.JobId, input.Tenant, input.SourceBlob, mask.MaskBlob, options),
            RetrySpec.Transient);
        timings.Add(new StageTiming(JobStage.Inpaint, inpainted.ElapsedMs));
        return inpainted.Result;
    }

    private static async Task<JobResult?> RemoveBackgroundAsync(IWorkflowContext context, JobInput input, List<StageTiming> timings)
    {
        Options.RemoveBackgroundOptions options = input.Options.RemoveBackground ?? new Options.RemoveBackgroundOptions();

        if (!await ReportAsync(context, input, JobStage.Segment, 20, timings))
        {
            return null;
        }

        SegmentResult segmented = await context.CallActivityAsync<SegmentResult>(
            ActivityNames.Segment,
            new SegmentRequest(input.JobId, input.Tenant, input.SourceBlob, options.Model),
            RetrySpec.Transient);
        timings.Add(new StageTiming(JobStage.Segment, segmented.ElapsedMs));

        if (!await ReportAsync(context, input, JobStage.Compose, 60, timings))
        {
            return null;
        }

        ComposeResult composed = await context.CallActivityAsync<ComposeResult>(
            ActivityNames.Compose,
            new ComposeRequest(input.JobId, input.Tenant, input.SourceBlob, segmented.MatteBlob, input.BackgroundBlob, options),
            RetrySpec.Transient);
        timings.Add(new StageTiming(JobStage.Compose, composed.ElapsedMs));
        return composed.Result;
    }
}
