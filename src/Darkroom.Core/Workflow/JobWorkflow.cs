using Darkroom.Core.Accounts;
using Darkroom.Core.Errors;
using Darkroom.Core.Jobs;

namespace Darkroom.Core.Workflow;

/// <summary>
/// validate → segment → compose → persist, as plain deterministic code: no I/O, no clocks, no randomness.
/// Every side effect is an activity, so both hosts can replay it. Then the job's credits are committed (completed)
/// or released (failed, canceled), and its callback, if any, is notified.
/// </summary>
public static class JobWorkflow
{
    public static async Task<JobOutcome> RunAsync(IWorkflowContext context, JobInput input)
    {
        JobOutcome outcome = await ProcessAsync(context, input);
        if (input.Charge is not null)
        {
            // A classification served from the cache costs nothing: its reservation goes back.
            bool charged = outcome.Status == JobStatus.Completed && outcome.Classification is not { Cached: true };
            string kind = charged ? LedgerKinds.Commit : LedgerKinds.Release;
            await context.CallActivityAsync<SettleResult>(
                ActivityNames.Settle, new SettleRequest(input.JobId, input.Tenant, input.Charge, kind), RetrySpec.Persistent);
        }

        if (input.CallbackUrl is not null)
        {
            try
            {
                await context.CallActivityAsync<NotifyResult>(
                    ActivityNames.Notify, new NotifyRequest(input.JobId, input.Tenant, input.CallbackUrl, input.KeyHash), RetrySpec.Webhook);
            }
            catch (ActivityFailedException)
            {
                // Every attempt is recorded on the job; an unreachable receiver does not change how the job ended.
            }
        }

        return outcome;
    }

    private static async Task<JobOutcome> ProcessAsync(IWorkflowContext context, JobInput input)
    {
        var timings = new List<StageTiming>();
        try
        {
            ValidateResult? validated = await StepAsync<ValidateResult>(
                context, input, timings, JobStage.Validate, 5, ActivityNames.Validate,
                new ValidateRequest(input.JobId, input.Tenant, input.SourceBlob, input.BackgroundBlob), RetrySpec.Transient);
            ClassifyResult? classified = null;
            JobResult? result = validated is null ? null : input.Operation switch
            {
                JobOperation.RemoveBackground => await RemoveBackgroundAsync(context, input, timings),
                JobOperation.RemoveWatermark => await RemoveWatermarkAsync(context, input, timings),
                JobOperation.Classify => (classified = await StepAsync<ClassifyResult>(
                    context, input, timings, JobStage.Classify, 20, ActivityNames.Classify,
                    new ClassifyRequest(input.JobId, input.Tenant, input.SourceBlob, validated.Facts), RetrySpec.Transient))?.Result,
                _ => throw new InvalidOperationException($"No workflow for {input.Operation}."),
            };

            bool dropSource = input.Operation == JobOperation.Classify && input.Options.Classify is not { KeepOriginal: true };
            PersistResult? persisted = result is null ? null : await StepAsync<PersistResult>(
                context, input, timings, JobStage.Persist, 90, ActivityNames.Persist,
                new PersistRequest(input.JobId, input.Tenant, result, validated!.Facts, [.. timings], input.OutboxBlob, classified?.Classification, dropSource),
                RetrySpec.Persistent);
            return persisted is null ? Canceled(timings) : new JobOutcome(JobStatus.Completed, result, null, timings) { Classification = classified };
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

    /// <summary>One stage: report it, run its activity, record its time; null when the job went away first.</summary>
    private static async Task<T?> StepAsync<T>(
        IWorkflowContext context, JobInput input, List<StageTiming> timings, string stage, int percent, string activity, object request, RetrySpec retry)
        where T : class, ITimedResult
    {
        if (!await ReportAsync(context, input, stage, percent, timings))
        {
            return null;
        }

        T result = await context.CallActivityAsync<T>(activity, request, retry);
        timings.Add(new StageTiming(stage, result.ElapsedMs));
        return result;
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
        MaskResult? mask = await StepAsync<MaskResult>(
            context, input, timings, JobStage.Mask, 20, ActivityNames.Mask,
            new MaskRequest(input.JobId, input.Tenant, input.SourceBlob, input.MaskBlob, options), RetrySpec.Transient);
        ComposeResult? inpainted = mask is null ? null : await StepAsync<ComposeResult>(
            context, input, timings, JobStage.Inpaint, 50, ActivityNames.Inpaint,
            new InpaintRequest(input.JobId, input.Tenant, input.SourceBlob, mask.MaskBlob, options), RetrySpec.Transient);
        return inpainted?.Result;
    }

    private static async Task<JobResult?> RemoveBackgroundAsync(IWorkflowContext context, JobInput input, List<StageTiming> timings)
    {
        Options.RemoveBackgroundOptions options = input.Options.RemoveBackground ?? new Options.RemoveBackgroundOptions();
        SubjectResult? subject = await StepAsync<SubjectResult>(
            context, input, timings, JobStage.Subject, 15, ActivityNames.Subject,
            new SubjectRequest(input.JobId, input.Tenant, input.SourceBlob, options.Type), RetrySpec.Transient);
        SegmentResult? segmented = subject is null ? null : await StepAsync<SegmentResult>(
            context, input, timings, JobStage.Segment, 25, ActivityNames.Segment,
            new SegmentRequest(input.JobId, input.Tenant, input.SourceBlob, options.Model, subject.Subject, options.Size == Options.CutoutSize.Preview), RetrySpec.Transient);
        ComposeResult? composed = segmented is null ? null : await StepAsync<ComposeResult>(
            context, input, timings, JobStage.Compose, 60, ActivityNames.Compose,
            new ComposeRequest(input.JobId, input.Tenant, input.SourceBlob, segmented.MatteBlob, input.BackgroundBlob, options, segmented.ForegroundBlob, subject!.Subject), RetrySpec.Transient);
        // The job says which model made the matte, on which execution provider it really ran, and whether it ran twice.
        return composed?.Result is { } result ? result with { Model = segmented!.Model, ExecutionProvider = segmented.ExecutionProvider, SecondPass = segmented.SecondPass } : null;
    }
}
