using Darkroom.Core.Jobs;

namespace Darkroom.Core.Ports;

/// <summary>Starts the workflow for a stored job: a queue message in the server, a Durable orchestration in Functions.</summary>
public interface IJobStarter
{
    Task StartAsync(JobInput input, CancellationToken cancellationToken);
}
