using Darkroom.Core.Errors;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace Darkroom.Api.Endpoints;

/// <summary>The one place errors become RFC 9457 problem+json with a stable <c>code</c>.</summary>
public sealed class ProblemMapping(IProblemDetailsService problems) : IExceptionHandler
{
    public static ProblemDetails Create(int status, string code, string detail) => new()
    {
        Status = status,
        Title = ReasonPhrases.GetReasonPhrase(status),
        Type = $"https://darkroom.dev/problems/{code}",
        Detail = detail,
        Extensions = { ["code"] = code },
    };

    /// <summary>Gives problems the framework writes itself (unknown route, wrong method or media type) a code too.</summary>
    public static void AddMissingCode(ProblemDetailsContext context)
    {
        if (context.ProblemDetails.Extensions.ContainsKey("code"))
        {
            return;
        }

        context.ProblemDetails.Extensions["code"] = context.ProblemDetails.Status switch
        {
            404 => ErrorCodes.RouteNotFound,
            405 => ErrorCodes.MethodNotAllowed,
            >= 400 and < 500 => ErrorCodes.RequestInvalid,
            _ => ErrorCodes.Internal,
        };
    }

    /// <summary>For hosts without the exception-handler middleware (Functions): the same mapping around one handler.</summary>
    public static async Task<IResult> GuardAsync(Func<Task<IResult>> handler)
    {
        try
        {
            return await handler();
        }
        catch (Exception ex) when (Map(ex) is not null)
        {
            IResult problem = TypedResults.Problem(Map(ex)!);
            return ex is DarkroomException { RetryAfter: { } retryAfter } ? new WithRetryAfter(problem, retryAfter) : problem;
        }
    }

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails? problem = Map(exception);
        if (problem is null)
        {
            return false;
        }

        httpContext.Response.StatusCode = problem.Status ?? 500;
        if (exception is DarkroomException { RetryAfter: { } retryAfter })
        {
            SetRetryAfter(httpContext, retryAfter);
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    private static void SetRetryAfter(HttpContext context, TimeSpan retryAfter) =>
        context.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static ProblemDetails WithDetails(ProblemDetails problem, DarkroomException exception)
    {
        foreach (KeyValuePair<string, object?> detail in exception.Details ?? new Dictionary<string, object?>())
        {
            problem.Extensions[detail.Key] = detail.Value;
        }

        return problem;
    }

    /// <summary>A problem result that also sends Retry-After (what the exception handler does for the server).</summary>
    private sealed class WithRetryAfter(IResult inner, TimeSpan retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            SetRetryAfter(httpContext, retryAfter);
            return inner.ExecuteAsync(httpContext);
        }
    }

    private static ProblemDetails? Map(Exception exception) =>
        exception switch
        {
            DarkroomException ex => WithDetails(Create(ex.Status, ex.Code, ex.Message), ex),
            BadHttpRequestException { StatusCode: 413 } => Create(413, ErrorCodes.ImageTooLarge, "The request body is larger than the upload limit."),
            BadHttpRequestException ex => Create(ex.StatusCode, ErrorCodes.RequestInvalid, ex.Message),
            InvalidDataException ex when ex.Message.Contains("limit", StringComparison.OrdinalIgnoreCase) =>
                Create(413, ErrorCodes.ImageTooLarge, $"The upload is larger than the limit: {ex.Message}"),
            InvalidDataException ex => Create(400, ErrorCodes.RequestInvalid, $"The multipart body could not be read: {ex.Message}"),
            _ => null,
        };
}
