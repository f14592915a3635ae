using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace Darkroom.Azure;

/// <summary>The account's service clients, built once from <see cref="StorageOptions"/>; names carry the configured prefix.</summary>
public sealed class StorageClients
{
    public StorageClients(IOptions<StorageOptions> options)
    {
        StorageOptions o = options.Value;
        Prefix = o.Prefix;
        JobQueueName = Name(o.JobQueue);
        if (!string.IsNullOrWhiteSpace(o.ConnectionString))
        {
            Blobs = new BlobServiceClient(o.ConnectionString);
            Tables = new TableServiceClient(o.ConnectionString);
            Queues = new QueueServiceClient(o.ConnectionString);
        }
        else if (!string.IsNullOrWhiteSpace(o.AccountName))
        {
            var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = o.ManagedIdentityClientId });
            Blobs = new BlobServiceClient(new Uri($"https://{o.AccountName}.blob.core.windows.net"), credential);
            Tables = new TableServiceClient(new Uri($"https://{o.AccountName}.table.core.windows.net"), credential);
            Queues = new QueueServiceClient(new Uri($"https://{o.AccountName}.queue.core.windows.net"), credential);
        }
        else
        {
            throw new InvalidOperationException("Set Darkroom:Storage:ConnectionString or Darkroom:Storage:AccountName.");
        }
    }

    public string Prefix { get; }

    public string JobQueueName { get; }

    public BlobServiceClient Blobs { get; }

    public TableServiceClient Tables { get; }

    public QueueServiceClient Queues { get; }

    public string Name(string name) => Prefix + name;

    public BlobContainerClient Container(string container) => Blobs.GetBlobContainerClient(Name(container));

    public TableClient Table(string table) => Tables.GetTableClient(Name(table));

    public QueueClient Queue(string queue) => Queues.GetQueueClient(queue);
}
