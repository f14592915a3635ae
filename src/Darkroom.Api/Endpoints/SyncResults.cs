using Darkroom.Api.Contracts;
using Darkroom.Core.Jobs;
using Darkroom.Core.Ports;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Darkroom.Api.Endpoints;

/// <summary>How the synchronous endpoints answer: the result bytes, the job's problem, or 202 with the job.</summary>
public static class SyncResults
{
    public static async Task<Results<FileStreamHttpResult, Accepted<JobView>, ProblemHttpResult>> RespondAsync(
        HttpContext context,
        ApiServices services,
        JobRecord job,
        TimeSpan wait,
        CancellationToken cancellationToken)
    {
        JobRecord current = await services.Waiter.WaitAsync(job.Tenant, job.JobId, wait, cancellationToken) ?? job;
        string location = $"{JobsApi.BasePath}/jobs/{job.JobId}";
        context.Response.Headers["X-Darkroom-Job-Id"] = job.JobId;
        if (current.Status == JobStatus.Completed && current.Result is not null
            && await services.Artifacts.OpenReadAsync(current.Result.Blob, cancellationToken) is { } stream)
        {
            context.Response.RegisterForDisposeAsync(stream);
            context.Response.Headers.Location = location;
            Describe(context.Response.Headers, current);
            return TypedResults.Stream(stream.Content, current.Result.ContentType, ResultNames.For(current, current.Result.Blob));
        }

        if (current.Status is JobStatus.Failed or JobStatus.Canceled && current.Error is { } error)
        {
            return TypedResults.Problem(ProblemMapping.Create(error.Status, error.Code, error.Message));
        }

        return TypedResults.Accepted(location, JobView.From(current, JobsApi.BasePath));
    }

    /// <summary>
    /// The facts remove.bg clients read from headers: the result's size, the credits the job costs, and for a
    /// cut-out the subject type and the foreground's box in the input photo.
    /// </summary>
    internal static void Describe(IHeaderDictionary headers, JobRecord job)
    {
        JobResult result = job.Result!;
        headers["X-Width"] = result.Width.ToString(System.Globalization.CultureInfo.InvariantCulture);
        headers["X-Height"] = result.Height.ToString(System.Globalization.CultureInfo.InvariantCulture);
        headers["X-Credits-Charged"] = (job.Charge?.Credits ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (result.ExecutionProvider is { } provider)
        {
            headers["X-Darkroom-Execution-Provider"] = provider;
        }

        if (result.Subject is { } subject)
        {
            headers["X-Type"] = subject.Type.ToString().ToLowerInvariant();
        }

        if (result.Foreground is { } box)
        {
            headers["X-Foreground-Top"] = box.Top.ToString(System.Globalization.CultureInfo.InvariantCulture);
            headers["X-Foreground-Left"] = box.Left.ToString(System.Globalization.CultureInfo.InvariantCulture);
            headers["X-Foreground-Width"] = box.Width.ToString(System.Globalization.CultureInfo.InvariantCulture);
            headers["X-Foreground-Height"] = box.Height.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
