using Darkroom.Api.Contracts;
using Darkroom.Api.Jobs;
using Darkroom.Core.Errors;
using Darkroom.Core.Jobs;
using Darkroom.Core.Ports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Darkroom.Api.Endpoints;

/// <summary>/api/v1/batches: many images, one operation, one job each.</summary>
public static class BatchesApi
{
    public static RouteGroupBuilder MapBatchesApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder group = app.MapGroup($"{JobsApi.BasePath}/batches").WithTags("Batches");
        group.MapPost("/", CreateBatch).DisableAntiforgery().ProducesProblem(400).ProducesProblem(415);
        group.MapGet("/{id}", GetBatch).ProducesProblem(404);
        return group;
    }

    public static async Task<Accepted<BatchView>> CreateBatch(
        HttpRequest request,
        [AsParameters] ApiServices services,
        BatchSubmitter batches,
        IJobStarter starter,
        CancellationToken cancellationToken)
    {
        Core.Accounts.Account account = (await services.Caller.KeyOfAsync(request.HttpContext)).ToAccount();
        BatchUpload upload = await UploadReader.ReadBatchAsync(request, services.Probe, services.Imaging.Value, services.Api.Value.MaxBatchItems, cancellationToken);
        JobOperation operation = JobsApi.ParseOperation(upload.Operation);
        BatchRecord batch = await batches.SubmitAsync(account, operation, upload.Images, upload.Options, upload.CallbackUrl, starter, cancellationToken);
        BatchView view = await ViewAsync(batch, services.Jobs, cancellationToken);
        return TypedResults.Accepted($"{JobsApi.BasePath}/batches/{batch.BatchId}", view);
    }

    public static async Task<Results<Ok<BatchView>, ProblemHttpResult>> GetBatch(
        string id,
        HttpContext context,
        [AsParameters] ApiServices services,
        IBatchStore batches,
        CancellationToken cancellationToken)
    {
        string tenant = await services.Caller.TenantOfAsync(context);
        BatchRecord? batch = JobIds.IsValid(id) ? await batches.GetAsync(tenant, id, cancellationToken) : null;
        return batch is null
            ? TypedResults.Problem(ProblemMapping.Create(404, ErrorCodes.JobNotFound, $"No batch '{id}' exists for this caller."))
            : TypedResults.Ok(await ViewAsync(batch, services.Jobs, cancellationToken));
    }

    private static async Task<BatchView> ViewAsync(BatchRecord batch, IJobStore jobs, CancellationToken cancellationToken)
    {
        var items = new List<BatchItemView>(batch.Items.Count);
        long processing = 0;
        foreach (BatchItem item in batch.Items)
        {
            JobRecord? job = item.JobId is null ? null : await jobs.GetAsync(batch.Tenant, item.JobId, cancellationToken);
            JobStatus status = item.Error is not null ? JobStatus.Failed : job?.Status ?? JobStatus.Canceled;
            JobError? error = item.Error ?? job?.Error;
            if (job?.Status == JobStatus.Completed)
            {
                processing += job.Timings.Sum(t => t.ElapsedMs);
            }

            items.Add(new BatchItemView(
                item.Index,
                item.FileName,
                item.JobId,
                status,
                job?.Result is null ? null : $"{JobsApi.BasePath}/jobs/{job.JobId}/result",
                error is null ? null : new JobErrorView(error.Code, error.Message)));
        }

        var summary = new BatchSummary(
            items.Count,
            items.Count(i => i.Status == JobStatus.Completed),
            items.Count(i => i.Status is JobStatus.Failed or JobStatus.Canceled),
            items.Count(i => !i.Status.IsFinal()),
            processing);
        return new BatchView(batch.BatchId, batch.Operation.Name(), batch.CreatedAt, summary, items);
    }
}
