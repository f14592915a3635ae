using System.Diagnostics;
using System.Text.Json;
using Darkroom.Core.Telemetry;
using Darkroom.Core.Workflow;
using Darkroom.Pipeline.Activities;
using Microsoft.Extensions.DependencyInjection;

namespace Darkroom.Pipeline;

/// <summary>
/// Runs an activity by name. The local runner calls it with JSON in and JSON out, as Durable does across its process
/// boundary, so both hosts serialise exactly the same records; the Functions bindings call the typed form.
/// </summary>
public sealed class ActivityDispatcher(IServiceProvider services)
{
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    public Task<string> InvokeAsync(string name, string inputJson, CancellationToken cancellationToken) =>
        TracedAsync(name, () => ActivityRegistry.Find(name).InvokeJsonAsync(services, inputJson, cancellationToken));

    /// <summary>For a host binding: runs the named activity; a DarkroomException leaves as <see cref="ActivityFailure"/>'s wire form.</summary>
    public Task<TResult> RunAsync<TRequest, TResult>(string name, TRequest request, CancellationToken cancellationToken)
    {
        ActivityBinding binding = ActivityRegistry.Find(name);
        if (binding.RequestType != typeof(TRequest) || binding.ResultType != typeof(TResult))
        {
            throw new InvalidOperationException(
                $"Activity '{name}' takes {binding.RequestType.Name} and gives {binding.ResultType.Name}, not {typeof(TRequest).Name} and {typeof(TResult).Name}.");
        }

        var activity = (IActivity<TRequest, TResult>)services.GetRequiredService(binding.ActivityType);
        return TracedAsync(name, () => ActivityFailure.Wrap(name, () => activity.RunAsync(request, cancellationToken)));
    }

    /// <summary>The activity as a span (a child of the job's run) and a duration, tagged with its outcome.</summary>
    private static async Task<T> TracedAsync<T>(string name, Func<Task<T>> run)
    {
        using Activity? span = DarkroomTelemetry.Source.StartActivity("activity " + name);
        span?.SetTag("darkroom.activity", name);
        long started = Stopwatch.GetTimestamp();
        string outcome = "ok";
        try
        {
            return await run();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            outcome = "error";
            span?.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
        finally
        {
            DarkroomTelemetry.ActivityDuration.Record(
                Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                new KeyValuePair<string, object?>("darkroom.activity", name),
                new KeyValuePair<string, object?>("darkroom.outcome", outcome));
        }
    }
}
