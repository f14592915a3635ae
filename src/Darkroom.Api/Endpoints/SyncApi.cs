using Darkroom.Api.Contracts;
using Darkroom.Api.Jobs;
using Darkroom.Core.Jobs;
using Darkroom.Core.Ports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Darkroom.Api.Endpoints;

/// <summary>
/// The synchronous conveniences, one route per operation: POST /api/v1/remove-background and
/// /api/v1/remove-watermark take the multipart upload and answer the result image, or 202 with the job when
/// it takes longer than <c>?wait=</c>.
/// </summary>
public static class SyncApi
{
    public static IEndpointRouteBuilder MapSyncApi(this IEndpointRouteBuilder app)
    {
        foreach (JobOperation operation in new[] { JobOperation.RemoveBackground, JobOperation.RemoveWatermark })
        {
            app.MapPost(
                    $"{JobsApi.BasePath}/{operation.Name()}",
                    (HttpRequest request, [AsParameters] ApiServices services, IJobStarter starter, [FromQuery] int? wait, CancellationToken cancellationToken) =>
                        RunAsync(operation, request, services, starter, wait, cancellationToken))
                .WithName(operation.Name())
                .WithTags("Synchronous")
                .DisableAntiforgery()
                .Accepts<IFormFile>("multipart/form-data")
                .ProducesProblem(400).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422);
        }

        return app;
    }

    public static async Task<Results<FileStreamHttpResult, Accepted<JobView>, ProblemHttpResult>> RunAsync(
        JobOperation operation,
        HttpRequest request,
        ApiServices services,
        IJobStarter starter,
        int? wait,
        CancellationToken cancellationToken)
    {
        SubmitOutcome outcome = await JobsApi.SubmitUploadAsync(request, services, starter, operation, cancellationToken);
        return await SyncResults.RespondAsync(request.HttpContext, services, outcome.Job, JobsApi.WaitTime(wait, services), cancellationToken);
    }
}
