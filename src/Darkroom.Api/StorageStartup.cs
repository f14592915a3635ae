using Darkroom.Api.Jobs;
using Darkroom.Azure;
using Microsoft.Extensions.Hosting;

namespace Darkroom.Api;

/// <summary>
/// Creates the containers, tables and queues before the workers and the API start, and in the Development environment
/// (only there) seeds the development key.
/// </summary>
public sealed class StorageStartup(StorageProvisioner provisioner, ApiKeys keys, IHostEnvironment environment) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await provisioner.EnsureCreatedAsync(cancellationToken);
        if (environment.IsDevelopment())
        {
            await keys.SeedDevelopmentKeyAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
