using Darkroom.Api.Jobs;
using Darkroom.Core.Errors;
using Darkroom.Core.Jobs;
using Darkroom.Core.Ports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Darkroom.Api.Endpoints;

/// <summary>/api/v1/jobs: submit, inspect, download, list and delete jobs.</summary>
public static class JobsApi
{
    public const string BasePath = Darkroom.Core.ApiRoutes.BasePath;

    public static RouteGroupBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder group = app.MapGroup($"{BasePath}/jobs").WithTags("Jobs");
        group.MapPost("/", CreateJob).DisableAntiforgery().Accepts<IFormFile>("multipart/form-data")
            .ProducesProblem(400).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422);
        group.MapGet("/", ListJobs);
        group.MapGet("/{id}", GetJob).ProducesProblem(404);
        group.MapGet("/{id}/result", GetResult).ProducesProblem(404).ProducesProblem(409);
        group.MapDelete("/{id}", DeleteJob).ProducesProblem(404);
        return group;
    }

    /// <summary>Starts a job from a multipart upload; 202 with the job, or 200 when <c>?wait=N</c> sees it finish.</summary>
    public static async Task<Results<Ok<JobView>, Accepted<JobView>, ProblemHttpResult>> CreateJob(
        HttpRequest request,
        [AsParameters] ApiServices services,
        IJobStarter starter,
        [FromQuery] int? wait,
        CancellationToken cancellationToken)
    {
        JobRecord job = (await SubmitUploadAsync(request, services, starter, null, cancellationToken)).Job;
        if (wait is > 0)
        {
            job = await services.Waiter.WaitAsync(job.Tenant, job.JobId, WaitTime(wait, services), cancellationToken) ?? job;
        }

        JobView view = JobView.From(job, BasePath);
        return job.Status.IsFinal() ? TypedResults.Ok(view) : TypedResults.Accepted(view.Links.Self, view);
    }

    public static async Task<Results<Ok<JobView>, ProblemHttpResult>> GetJob(
        string id,
        HttpContext context,
        [AsParameters] ApiServices services,
        CancellationToken cancellationToken)
    {
        JobRecord? job = await FindAsync(id, context, services, cancellationToken);
        return job is null ? NotFound(id) : TypedResults.Ok(JobView.From(job, BasePath));
    }

    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> GetResult(
        string id,
        HttpContext context,
        [AsParameters] ApiServices services,
        CancellationToken cancellationToken)
    {
        JobRecord? job = await FindAsync(id, context, services, cancellationToken);
        if (job is null)
        {
            return NotFound(id);
        }

        if (job.Status != JobStatus.Completed || job.Result is null)
        {
            return TypedResults.Problem(Problem(
                409,
                ErrorCodes.JobNotReady,
                job.Status == JobStatus.Failed ? $"Job {id} failed ({job.Error?.Code}); it has no result." : $"Job {id} is {job.Status.ToString().ToLowerInvariant()}; poll it until it is completed."));
        }

        Core.Ports.ArtifactStream? stream = await services.Artifacts.OpenReadAsync(job.Result.Blob, cancellationToken);
        if (stream is null)
        {
            return NotFound(id);
        }

        context.Response.RegisterForDisposeAsync(stream);
        return TypedResults.Stream(stream.Content, job.Result.ContentType, ResultNames.For(job, job.Result.Blob));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteJob(
        string id,
        HttpContext context,
        [AsParameters] ApiServices services,
        CancellationToken cancellationToken)
    {
        JobRecord? job = await FindAsync(id, context, services, cancellationToken);
        if (job is null)
        {
            return NotFound(id);
        }

        await services.Remover.RemoveAsync(job, cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<JobListView>> ListJobs(
        HttpContext context,
        [AsParameters] ApiServices services,
        [FromQuery] int? pageSize,
        [FromQuery] string? continuation,
        CancellationToken cancellationToken)
    {
        int size = Math.Clamp(pageSize ?? 20, 1, services.Api.Value.MaxPageSize);
        Core.Ports.JobPage page = await services.Jobs.ListAsync(await services.Caller.TenantOfAsync(context), size, continuation, cancellationToken);
        return TypedResults.Ok(new JobListView([.. page.Jobs.Select(j => JobView.From(j, BasePath))], page.Continuation));
    }

    /// <summary>Reads a multipart job request and submits it; <paramref name="operation"/> fixes the operation for routes named after one.</summary>
    internal static async Task<SubmitOutcome> SubmitUploadAsync(
        HttpRequest request,
        ApiServices services,
        IJobStarter starter,
        JobOperation? operation,
        CancellationToken cancellationToken)
    {
        Core.Accounts.Account account = (await services.Caller.KeyOfAsync(request.HttpContext)).ToAccount();
        Upload upload = await UploadReader.ReadAsync(request, services.Probe, services.Imaging.Value, services.Fetcher, cancellationToken);
        var submission = new JobSubmission(
            account,
            operation ?? ParseOperation(upload.Operation),
            upload.Image,
            upload.FileName,
            upload.Background,
            upload.OptionsJson,
            IdempotencyKey(request),
            upload.Mask,
            upload.CallbackUrl);
        return await services.Submitter.SubmitAsync(submission, starter, cancellationToken);
    }

    /// <summary>The <c>wait</c> query parameter, for hosts that do not bind it themselves.</summary>
    public static int? WaitQuery(HttpRequest request) =>
        int.TryParse(request.Query["wait"], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int wait) ? wait : null;

    /// <summary>The <c>pageSize</c> query parameter, for hosts that do not bind it themselves.</summary>
    public static int? PageSizeQuery(HttpRequest request) =>
        int.TryParse(request.Query["pageSize"], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int size) ? size : null;

    internal static TimeSpan WaitTime(int? wait, ApiServices services) =>
        TimeSpan.FromSeconds(Math.Clamp(wait ?? services.Api.Value.DefaultWaitSeconds, 0, services.Api.Value.MaxWaitSeconds));

    internal static string? IdempotencyKey(HttpRequest request)
    {
        string? key = request.Headers["Idempotency-Key"].FirstOrDefault();
        if (key is { Length: > 255 })
        {
            throw new DarkroomException(ErrorCodes.RequestInvalid, 400, "Idempotency-Key is longer than 255 characters.");
        }

        return string.IsNullOrWhiteSpace(key) ? null : key;
    }

    internal static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(Problem(404, ErrorCodes.JobNotFound, Problems.JobNotFound(id).Message));

    internal static ProblemDetails Problem(int status, string code, string detail) => ProblemMapping.Create(status, code, detail);

    /// <summary>The caller's job with this id; another tenant's job is not found, exactly like a missing one.</summary>
    private static async Task<JobRecord?> FindAsync(string id, HttpContext context, ApiServices services, CancellationToken cancellationToken)
    {
        string tenant = await services.Caller.TenantOfAsync(context);
        return JobIds.IsValid(id) ? await services.Jobs.GetAsync(tenant, id, cancellationToken) : null;
    }

    internal static JobOperation ParseOperation(string? name) =>
        name is null ? JobOperation.RemoveBackground
        : JobOperations.TryParse(name, out JobOperation operation) ? operation
        : throw new DarkroomException(ErrorCodes.RequestInvalid, 400, $"Unknown operation '{Darkroom.Core.Ports.BlobNames.Printable(name, 60)}'; expected {JobOperations.RemoveBackgroundName}, {JobOperations.RemoveWatermarkName} or {JobOperations.ClassifyName}.");
}
