namespace Darkroom.Azure;

/// <summary>Creates the containers, tables and queues when missing; safe to run on every start.</summary>
public sealed class StorageProvisioner(StorageClients clients)
{
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        foreach (string container in StorageNames.Containers)
        {
            await clients.Container(container).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }

        foreach (string table in StorageNames.Tables)
        {
            await clients.Table(table).CreateIfNotExistsAsync(cancellationToken);
        }

        await clients.Queue(clients.JobQueueName).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await clients.Queue(StorageNames.Poison(clients.JobQueueName)).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
    }

    /// <summary>A cheap round trip to each service, for /health.</summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await clients.Container(StorageNames.Containers[0]).ExistsAsync(cancellationToken);
        await clients.Table(StorageNames.JobsTable).GetAccessPoliciesAsync(cancellationToken);
        await clients.Queue(clients.JobQueueName).ExistsAsync(cancellationToken);
    }
}
