using Darkroom.Core.Accounts;
using Darkroom.Core.Errors;
using Darkroom.Core.Jobs;
using Darkroom.Core.Ports;
using Microsoft.Extensions.Options;

namespace Darkroom.Api.Jobs;

/// <summary>Fans a batch out into one job per image, a few at a time; a bad image fails its item only.</summary>
public sealed class BatchSubmitter(JobSubmitter submitter, IBatchStore batches, Darkroom.Pipeline.Webhooks.CallbackUrls callbacks, IOptions<ApiOptions> options, TimeProvider clock)
{
    public async Task<BatchRecord> SubmitAsync(
        Account account,
        JobOperation operation,
        IReadOnlyList<(byte[] Bytes, string FileName)> images,
        string? optionsJson,
        string? callbackUrl,
        IJobStarter starter,
        CancellationToken cancellationToken)
    {
        // What is wrong for every item is wrong for the request: refused (400) before anything is stored or reserved.
        Darkroom.Core.Options.JobOptionsParser.Parse(operation, optionsJson, hasBackgroundImage: false);
        callbackUrl ??= account.CallbackUrl;
        if (callbackUrl is not null)
        {
            callbackUrl = await callbacks.CheckAsync(callbackUrl, cancellationToken);
        }

        DateTimeOffset now = clock.GetUtcNow();
        string batchId = JobIds.New(now);
        var items = new BatchItem[images.Count];
        await Parallel.ForAsync(
            0,
            images.Count,
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.BatchSubmitParallelism, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                (byte[] bytes, string fileName) = images[i];
                try
                {
                    SubmitOutcome outcome = await submitter.SubmitAsync(
                        new JobSubmission(account, operation, bytes, fileName, null, optionsJson, null, null, callbackUrl), starter, ct, batchId: batchId);
                    items[i] = new BatchItem(i, fileName, outcome.Job.JobId, null);
                }
                catch (DarkroomException ex) when (ex.Status < 500)
                {
                    items[i] = new BatchItem(i, fileName, null, ex.ToError());
                }
            });

        var batch = new BatchRecord(account.Tenant, batchId, operation, now, items);
        await batches.CreateAsync(batch, cancellationToken);
        return batch;
    }
}
