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

    /// <summary>
    /// Removes a deleted job's orchestration history. A running instance is terminated first (that is queued, so the
    /// purge is tried a few times until the instance is terminal); a finished one is purged at once.
    /// </summary>
    public static async Task ForgetAsync(DurableTaskClient client, string jobId, CancellationToken cancellationToken)
    {
        await client.TerminateInstanceAsync(jobId, cancellationToken);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            PurgeResult purged = await client.PurgeInstanceAsync(jobId, cancellationToken);
            if (purged.PurgedInstanceCount > 0 || await client.GetInstanceAsync(jobId, cancellationToken) is null)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }
}
