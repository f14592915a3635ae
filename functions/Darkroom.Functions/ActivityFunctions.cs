using Darkroom.Core.Workflow;
using Darkroom.Pipeline;
using Microsoft.Azure.Functions.Worker;

namespace Darkroom.Functions;

/// <summary>
/// One function per activity (the Functions source generator needs a method each), each a call into the same
/// dispatcher the server's runner uses. Function names are the activity names with an "Activity" suffix, so no
/// activity can share its name with an HTTP function; a reflection test holds this list to ActivityRegistry.
/// </summary>
public sealed class ActivityFunctions(ActivityDispatcher dispatcher)
{
    public const string Suffix = "Activity";

    [Function(ActivityNames.Progress + Suffix)]
    public Task<ProgressResult> Progress([ActivityTrigger] ProgressRequest input, FunctionContext context) =>
        dispatcher.RunAsync<ProgressRequest, ProgressResult>(ActivityNames.Progress, input, context.CancellationToken);

    [Function(ActivityNames.Validate + Suffix)]
    public Task<ValidateResult> Validate([ActivityTrigger] ValidateRequest input, FunctionContext context) =>
        dispatcher.RunAsync<ValidateRequest, ValidateResult>(ActivityNames.Validate, input, context.CancellationToken);

    [Function(ActivityNames.Classify + Suffix)]
    public Task<ClassifyResult> Classify([ActivityTrigger] ClassifyRequest input, FunctionContext context) =>
        dispatcher.RunAsync<ClassifyRequest, ClassifyResult>(ActivityNames.Classify, input, context.CancellationToken);

    [Function(ActivityNames.Subject + Suffix)]
    public Task<SubjectResult> Subject([ActivityTrigger] SubjectRequest input, FunctionContext context) =>
        dispatcher.RunAsync<SubjectRequest, SubjectResult>(ActivityNames.Subject, input, context.CancellationToken);

    [Function(ActivityNames.Segment + Suffix)]
    public Task<SegmentResult> Segment([ActivityTrigger] SegmentRequest input, FunctionContext context) =>
        dispatcher.RunAsync<SegmentRequest, SegmentResult>(ActivityNames.Segment, input, context.CancellationToken);

    [Function(ActivityNames.Compose + Suffix)]
    public Task<ComposeResult> Compose([ActivityTrigger] ComposeRequest input, FunctionContext context) =>
        dispatcher.RunAsync<ComposeRequest, ComposeResult>(ActivityNames.Compose, input, context.CancellationToken);

    [Function(ActivityNames.Mask + Suffix)]
    public Task<MaskResult> Mask([ActivityTrigger] MaskRequest input, FunctionContext context) =>
        dispatcher.RunAsync<MaskRequest, MaskResult>(ActivityNames.Mask, input, context.CancellationToken);

    [Function(ActivityNames.Inpaint + Suffix)]
    public Task<ComposeResult> Inpaint([ActivityTrigger] InpaintRequest input, FunctionContext context) =>
        dispatcher.RunAsync<InpaintRequest, ComposeResult>(ActivityNames.Inpaint, input, context.CancellationToken);

    [Function(ActivityNames.Persist + Suffix)]
    public Task<PersistResult> Persist([ActivityTrigger] PersistRequest input, FunctionContext context) =>
        dispatcher.RunAsync<PersistRequest, PersistResult>(ActivityNames.Persist, input, context.CancellationToken);

    [Function(ActivityNames.Fail + Suffix)]
    public Task<FailResult> Fail([ActivityTrigger] FailRequest input, FunctionContext context) =>
        dispatcher.RunAsync<FailRequest, FailResult>(ActivityNames.Fail, input, context.CancellationToken);

    [Function(ActivityNames.Settle + Suffix)]
    public Task<SettleResult> Settle([ActivityTrigger] SettleRequest input, FunctionContext context) =>
        dispatcher.RunAsync<SettleRequest, SettleResult>(ActivityNames.Settle, input, context.CancellationToken);

    [Function(ActivityNames.Notify + Suffix)]
    public Task<NotifyResult> Notify([ActivityTrigger] NotifyRequest input, FunctionContext context) =>
        dispatcher.RunAsync<NotifyRequest, NotifyResult>(ActivityNames.Notify, input, context.CancellationToken);
}
