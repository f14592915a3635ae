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

/// <summary>POST /api/v1/remove-background: the photo in, the cut-out out; 202 with the job when it takes longer than the wait.</summary>
public static class RemoveBackgroundApi
{
    public static RouteHandlerBuilder MapRemoveBackgroundApi(this IEndpointRouteBuilder app) =>
        app.MapPost($"{JobsApi.BasePath}/remove-background", RemoveBackground)
            .WithTags("Remove background")
            .DisableAntiforgery()
            .Accepts<IFormFile>("multipart/form-data");

    public static async Task<Results<FileStreamHttpResult, Accepted<JobView>, ProblemHttpResult>> RemoveBackground(
        HttpRequest request,
        [AsParameters] ApiServices services,
        IJobStarter starter,
        [FromQuery] int? wait,
        CancellationToken cancellationToken)
    {
        SubmitOutcome outcome = await JobsApi.SubmitUploadAsync(request, services, starter, JobOperation.RemoveBackground, cancellationToken);
        return await SyncResults.RespondAsync(request.HttpContext, services, outcome.Job, JobsApi.WaitTime(wait, services), cancellationToken);
    }
}
