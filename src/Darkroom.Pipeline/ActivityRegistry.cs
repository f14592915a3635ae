using System.Text.Json;
using Darkroom.Core.Workflow;
using Darkroom.Pipeline.Activities;
using Microsoft.Extensions.DependencyInjection;

namespace Darkroom.Pipeline;

/// <summary>One activity: its name, its class, and what it takes and gives.</summary>
public sealed class ActivityBinding
{
    private readonly Func<IServiceProvider, string, CancellationToken, Task<string>> _invokeJson;

    private ActivityBinding(string name, Type activityType, Type requestType, Type resultType, Func<IServiceProvider, string, CancellationToken, Task<string>> invokeJson)
    {
        Name = name;
        ActivityType = activityType;
        RequestType = requestType;
        ResultType = resultType;
        _invokeJson = invokeJson;
    }

    public string Name { get; }

    public Type ActivityType { get; }

    public Type RequestType { get; }

    public Type ResultType { get; }

    public static ActivityBinding For<TActivity, TRequest, TResult>(string name)
        where TActivity : class, IActivity<TRequest, TResult> =>
        new(name, typeof(TActivity), typeof(TRequest), typeof(TResult), async (services, json, cancellationToken) =>
        {
            TRequest request = JsonSerializer.Deserialize<TRequest>(json, ActivityDispatcher.Json)
                ?? throw new InvalidOperationException($"Activity input for {typeof(TRequest).Name} is empty.");
            TResult result = await services.GetRequiredService<TActivity>().RunAsync(request, cancellationToken);
            return JsonSerializer.Serialize(result, ActivityDispatcher.Json);
        });

    internal Task<string> InvokeJsonAsync(IServiceProvider services, string json, CancellationToken cancellationToken) =>
        _invokeJson(services, json, cancellationToken);
}

/// <summary>
/// The one list of activities: dependency injection, the local runner's dispatcher and the tests that check the
/// Functions bindings all read it. (The Functions source generator needs one method per activity, so the bindings in
/// functions/ stay a list of their own; a reflection test holds them to this one.)
/// </summary>
public static class ActivityRegistry
{
    public static IReadOnlyList<ActivityBinding> All { get; } =
    [
        ActivityBinding.For<ProgressActivity, ProgressRequest, ProgressResult>(ActivityNames.Progress),
        ActivityBinding.For<ValidateActivity, ValidateRequest, ValidateResult>(ActivityNames.Validate),
        ActivityBinding.For<ClassifyActivity, ClassifyRequest, ClassifyResult>(ActivityNames.Classify),
        ActivityBinding.For<SubjectActivity, SubjectRequest, SubjectResult>(ActivityNames.Subject),
        ActivityBinding.For<SegmentActivity, SegmentRequest, SegmentResult>(ActivityNames.Segment),
        ActivityBinding.For<ComposeActivity, ComposeRequest, ComposeResult>(ActivityNames.Compose),
        ActivityBinding.For<MaskActivity, MaskRequest, MaskResult>(ActivityNames.Mask),
        ActivityBinding.For<InpaintActivity, InpaintRequest, ComposeResult>(ActivityNames.Inpaint),
        ActivityBinding.For<PersistActivity, PersistRequest, PersistResult>(ActivityNames.Persist),
        ActivityBinding.For<FailActivity, FailRequest, FailResult>(ActivityNames.Fail),
        ActivityBinding.For<SettleActivity, SettleRequest, SettleResult>(ActivityNames.Settle),
        ActivityBinding.For<NotifyActivity, NotifyRequest, NotifyResult>(ActivityNames.Notify),
    ];

    public static ActivityBinding Find(string name) =>
        All.FirstOrDefault(b => b.Name == name) ?? throw new InvalidOperationException($"No activity named '{name}'.");

    /// <summary>Registers every activity class as a singleton.</summary>
    public static IServiceCollection AddActivities(this IServiceCollection services)
    {
        foreach (ActivityBinding binding in All)
        {
            services.AddSingleton(binding.ActivityType);
        }

        return services;
    }
}
