using Darkroom.Core.Jobs;
using Darkroom.Core.Ports;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Darkroom.Functions;

/// <summary>Starts a job's orchestration with the job id as instance id, so an idempotent submit stays one instance.</summary>
internal sealed class DurableJobStarter(DurableTaskClient client) : IJobStarter
{
    public Task StartAsync(JobInput input, CancellationToken cancellationToken) =>
        client.ScheduleNewOrchestrationInstanceAsync(
            nameof(JobOrchestration.RunJob),
            input,
            new StartOrchestrationOptions { InstanceId = input.JobId },
            cancellationToken);
}
