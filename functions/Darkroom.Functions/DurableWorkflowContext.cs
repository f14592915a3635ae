using Darkroom.Core.Jobs;
using Darkroom.Core.Workflow;
using Microsoft.DurableTask;

namespace Darkroom.Functions;

/// <summary>Core's <see cref="IWorkflowContext"/> over Durable's orchestration context.</summary>
public sealed class DurableWorkflowContext(TaskOrchestrationContext context) : IWorkflowContext
{
    public DateTimeOffset UtcNow => context.CurrentUtcDateTime;

    /// <summary>
    /// Durable's retry policy for a spec, with the server's retry rule as its failure predicate: a failure that carries
    /// a 4xx error is not retried (the predicate's default would retry everything).
    /// </summary>
    public static TaskOptions OptionsFor(RetrySpec retry) =>
        TaskOptions.FromRetryPolicy(new RetryPolicy(retry.MaxAttempts, retry.FirstDelay, retry.BackoffCoefficient, retry.MaxDelay)
        {
            HandleFailure = failure => ActivityFailure.IsRetryable(failure.ErrorMessage),
        });

    public async Task<TOut> CallActivityAsync<TOut>(string activity, object input, RetrySpec retry)
    {
        try
        {
            return await context.CallActivityAsync<TOut>(activity + ActivityFunctions.Suffix, input, OptionsFor(retry));
        }
        catch (TaskFailedException ex)
        {
            throw ActivityFailure.FromMessage(activity, ex.FailureDetails.ErrorMessage);
        }
    }

    public Guid NewGuid() => context.NewGuid();

    public void SetProgress(JobProgress progress) => context.SetCustomStatus(progress);
}
