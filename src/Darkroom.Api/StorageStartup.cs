using Darkroom.Azure;
using Microsoft.Extensions.Hosting;

namespace Darkroom.Api;

/// <summary>Creates the containers, tables and queues before the workers and the API start.</summary>
public sealed class StorageStartup(StorageProvisioner provisioner) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => provisioner.EnsureCreatedAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
