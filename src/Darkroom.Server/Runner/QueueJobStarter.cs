using Darkroom.Core.Jobs;
using Darkroom.Core.Ports;

namespace Darkroom.Server.Runner;

/// <summary>Starts a job in the server by putting it on the work queue.</summary>
internal sealed class QueueJobStarter(IWorkQueue queue) : IJobStarter
{
    public Task StartAsync(JobInput input, CancellationToken cancellationToken) =>
        queue.EnqueueAsync(new WorkItem(input.Tenant, input.JobId), cancellationToken);
}
