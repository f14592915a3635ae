using Darkroom.Azure;
using Microsoft.Extensions.Options;

namespace Darkroom.Azure.Tests;

/// <summary>One Azurite for the assembly; each test gets its own name prefix, so tests never see each other's data.</summary>
[TestClass]
public static class Storage
{
    private static Azurite s_azurite = null!;

    [AssemblyInitialize]
    public static async Task StartAsync(TestContext context) => s_azurite = await Azurite.StartAsync(context.CancellationToken);

    [AssemblyCleanup]
    public static async Task StopAsync() => await s_azurite.DisposeAsync();

    public static async Task<StorageClients> FreshAsync(CancellationToken cancellationToken)
    {
        var clients = new StorageClients(Options.Create(new StorageOptions
        {
            ConnectionString = s_azurite.ConnectionString,
            Prefix = "t" + Guid.NewGuid().ToString("N")[..10],
        }));
        await new StorageProvisioner(clients).EnsureCreatedAsync(cancellationToken);
        return clients;
    }
}
