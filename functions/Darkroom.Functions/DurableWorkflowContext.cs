using Darkroom.Core.Jobs;
using Darkroom.Core.Workflow;
using Microsoft.DurableTask;

namespace Darkroom.Functions;

/// <summary>Core's <see cref="IWorkflowContext"/> over Durable's orchestration context.</summary>
internal sealed class DurableWorkflowContext(TaskOrchestrationContext context) : IWorkflowContext
{
    public DateTimeOffset UtcNow => context.CurrentUtcDateTime;

    public async Task<TOut> CallActivityAsync<TOut>(string activity, object input, RetrySpec retry)
    {
        TaskOptions options = TaskOptions.FromRetryPolicy(
            new RetryPolicy(retry.MaxAttempts, retry.FirstDelay, retry.BackoffCoefficient, retry.MaxDelay));
        try
        {
            return await context.CallActivityAsync<TOut>(activity, input, options);
        }
        catch (TaskFailedException ex)
        {
            throw ActivityFailure.FromMessage(activity, ex.FailureDetails.ErrorMessage);
        }
    }

    public Guid NewGuid() => context.NewGuid();

    public void SetProgress(JobProgress progress) => context.SetCustomStatus(progress);
}
