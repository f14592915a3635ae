using System.Text.Json;
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
        ActivityRegistry.Find(name).InvokeJsonAsync(services, inputJson, cancellationToken);

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
        return ActivityFailure.Wrap(name, () => activity.RunAsync(request, cancellationToken));
    }
}
