using Darkroom.Core.Jobs;
using Darkroom.Core.Workflow;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Darkroom.Functions;

/// <summary>The one orchestrator: the same workflow the server runs, over Durable.</summary>
public static class JobOrchestration
{
    [Function(nameof(RunJob))]
    public static Task<JobOutcome> RunJob([OrchestrationTrigger] TaskOrchestrationContext context) =>
        JobWorkflow.RunAsync(new DurableWorkflowContext(context), context.GetInput<JobInput>()!);
}
