using Darkroom.Api.Jobs;
using Darkroom.Azure;
using Microsoft.Extensions.Hosting;

namespace Darkroom.Api;

/// <summary>Creates the containers, tables and queues, and seeds the development key, before the workers and the API start.</summary>
public sealed class StorageStartup(StorageProvisioner provisioner, ApiKeys keys) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await provisioner.EnsureCreatedAsync(cancellationToken);
        await keys.SeedDevelopmentKeyAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
