using Azure.Storage.Blobs;
using Darkroom.Api.Jobs;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Darkroom.Functions;

/// <summary>
/// Blob drop in Azure: an Event Grid subscription on the storage account (infra/modules/eventgrid.bicep) tells the
/// app of each blob created in the inbox container. The trigger binds a BlobClient (no download): the intake reads
/// the blob itself, by the exact name the event carries.
/// </summary>
public sealed class BlobDropFunction(InboxIntake intake)
{
    [Function("BlobDrop")]
    public async Task Run(
        [BlobTrigger("inbox/{name}", Connection = "AzureWebJobsStorage", Source = BlobTriggerSource.EventGrid)] BlobClient blob,
        [DurableClient] DurableTaskClient client,
        FunctionContext context)
    {
        DropOutcome outcome = await intake.AcceptAsync($"{blob.BlobContainerName}/{blob.Name}", new DurableJobStarter(client), context.CancellationToken);
        if (outcome.Disposition == DropDisposition.Deferred)
        {
            // A temporary refusal (429/503): failing the invocation makes the blob trigger try the drop again later.
            throw new InvalidOperationException($"Blob drop deferred ({outcome.Error?.Code}); the trigger retries it.");
        }
    }
}
