using Darkroom.Api.Jobs;
using Darkroom.Core.Ports;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Darkroom.Functions;

/// <summary>Blob drop in Azure: Event Grid tells us of a new blob in the inbox; the intake in src/ does the rest.</summary>
public sealed class BlobDropFunction(InboxIntake intake)
{
    [Function("BlobDrop")]
    public Task Run(
        [BlobTrigger("inbox/{operation}/{name}", Connection = "AzureWebJobsStorage", Source = BlobTriggerSource.EventGrid)] Stream blob,
        string operation,
        string name,
        [DurableClient] DurableTaskClient client,
        FunctionContext context) =>
        intake.AcceptAsync($"{ArtifactPaths.Inbox}/{operation}/{name}", new DurableJobStarter(client), context.CancellationToken);
}
