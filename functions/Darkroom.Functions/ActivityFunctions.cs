using Darkroom.Core.Workflow;
using Darkroom.Pipeline;
using Darkroom.Pipeline.Activities;
using Microsoft.Azure.Functions.Worker;

namespace Darkroom.Functions;

/// <summary>One function per activity, each a call into Darkroom.Pipeline; failures travel as <see cref="ActivityFailure"/> text.</summary>
public sealed class ActivityFunctions(
    ProgressActivity progress,
    ValidateActivity validate,
    SegmentActivity segment,
    ComposeActivity compose,
    MaskActivity mask,
    InpaintActivity inpaint,
    PersistActivity persist,
    FailActivity fail,
    SettleActivity settle,
    NotifyActivity notify,
    ClassifyActivity classify)
{
    [Function(ActivityNames.Progress)]
    public Task<ProgressResult> Progress([ActivityTrigger] ProgressRequest input, FunctionContext context) =>
        ActivityFailure.Wrap(ActivityNames.Progress, () => progress.RunAsync(input, context.CancellationToken));

    [Function(ActivityNames.Validate)]
    public Task<ValidateResult> Validate([ActivityTrigger] ValidateRequest input, FunctionContext context) =>
        ActivityFailure.Wrap(ActivityNames.Validate, () => validate.RunAsync(input, context.CancellationToken));

    [Function(ActivityNames.Segment)]
    public Task<SegmentResult> Segment([ActivityTrigger] SegmentRequest input, FunctionContext context) =>
        ActivityFailure.Wrap(ActivityNames.Segment, () => segment.RunAsync(input, context.CancellationToken));

    [Function(ActivityNames.Compose)]
    public Task<ComposeResult> Compose([ActivityTrigger] ComposeRequest input, FunctionContext context) =>
        ActivityFailure.Wrap(ActivityNames.Compose, () => compose.RunAsync(input, context.CancellationToken));

    [Function(ActivityNames.Mask)]
    public Task<MaskResult> Mask([ActivityTrigger] MaskRequest input, FunctionContext context) =>
        ActivityFailure.Wrap(ActivityNames.Mask, () => mask.RunAsync(input, context.CancellationToken));

    [Function(ActivityNames.Inpaint)]
    public Task<ComposeResult> Inpaint([ActivityTrigger] InpaintRequest input, FunctionContext context) =>
        ActivityFailure.Wrap(ActivityNames.Inpaint, () => inpaint.RunAsync(input, context.CancellationToken));

    [Function(ActivityNames.Persist)]
    public Task<PersistResult> Persist([ActivityTrigger] PersistRequest input, FunctionContext context) =>
        ActivityFailure.Wrap(ActivityNames.Persist, () => persist.RunAsync(input, context.CancellationToken));

    [Function(ActivityNames.Fail)]
    public Task<FailResult> Fail([ActivityTrigger] FailRequest input, FunctionContext context) =>
        ActivityFailure.Wrap(ActivityNames.Fail, () => fail.RunAsync(input, context.CancellationToken));

    [Function(ActivityNames.Settle)]
    public Task<SettleResult> Settle([ActivityTrigger] SettleRequest input, FunctionContext context) =>
        ActivityFailure.Wrap(ActivityNames.Settle, () => settle.RunAsync(input, context.CancellationToken));

    [Function(ActivityNames.Classify)]
    public Task<ClassifyResult> Classify([ActivityTrigger] ClassifyRequest input, FunctionContext context) =>
        ActivityFailure.Wrap(ActivityNames.Classify, () => classify.RunAsync(input, context.CancellationToken));

    [Function(ActivityNames.Notify)]
    public Task<NotifyResult> Notify([ActivityTrigger] NotifyRequest input, FunctionContext context) =>
        ActivityFailure.Wrap(ActivityNames.Notify, () => notify.RunAsync(input, context.CancellationToken));
}
