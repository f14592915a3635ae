using Darkroom.Azure;
using Microsoft.Extensions.Hosting;

namespace Darkroom.Server;

/// <summary>Creates the containers, tables and queues before the workers and the API start.</summary>
internal sealed class StorageStartup(StorageProvisioner provisioner) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => provisioner.EnsureCreatedAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
