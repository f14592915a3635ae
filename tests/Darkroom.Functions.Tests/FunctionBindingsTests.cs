using System.Reflection;
using System.Text.Json;
using Darkroom.Core;
using Darkroom.Core.Errors;
using Darkroom.Core.Workflow;
using Darkroom.Functions;
using Darkroom.Pipeline;
using Darkroom.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Darkroom.Functions.Tests;

/// <summary>
/// Reads the compiled functions/ (built against the SDK surrogate by Darkroom.Functions.CompileCheck) and holds it to
/// the server: every activity bound once with its types, unique function names, the same routes and verbs.
/// </summary>
[TestClass]
public sealed class FunctionBindingsTests
{
    private static readonly Assembly Functions = typeof(HttpFunctions).Assembly;

    private static IEnumerable<(MethodInfo Method, string Name)> AllFunctions() =>
        from type in Functions.GetTypes()
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
        let function = method.GetCustomAttribute<FunctionAttribute>()
        where function is not null
        select (method, function.Name);

    private static T? Trigger<T>(MethodInfo method) where T : Attribute =>
        method.GetParameters().Select(p => p.GetCustomAttribute<T>()).FirstOrDefault(a => a is not null);

    [TestMethod]
    public void FunctionNames_AreUnique()
    {
        string[] duplicates = [.. AllFunctions().GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key)];

        Assert.IsGreaterThan(20, AllFunctions().Count());
        Assert.IsEmpty(duplicates, "the host keys invokers by name: " + string.Join(", ", duplicates));
    }

    [TestMethod]
    public void EveryActivity_IsBoundExactlyOnce_WithItsTypes()
    {
        var activities = AllFunctions().Where(f => f.Method.GetParameters().Any(p => p.GetCustomAttribute<ActivityTriggerAttribute>() is not null)).ToList();
        string[] constants = [.. typeof(ActivityNames).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!)];

        CollectionAssert.AreEquivalent(constants, ActivityRegistry.All.Select(b => b.Name).ToArray(), "ActivityNames and ActivityRegistry list the same activities");
        foreach (ActivityBinding binding in ActivityRegistry.All)
        {
            var bound = activities.Where(f => f.Name == binding.Name + ActivityFunctions.Suffix).ToList();
            Assert.HasCount(1, bound, $"activity {binding.Name} must have exactly one Functions binding");
            MethodInfo method = bound[0].Method;
            ParameterInfo input = method.GetParameters().Single(p => p.GetCustomAttribute<ActivityTriggerAttribute>() is not null);
            Assert.AreEqual(binding.RequestType, input.ParameterType, $"{binding.Name} input");
            Assert.AreEqual(typeof(Task<>).MakeGenericType(binding.ResultType), method.ReturnType, $"{binding.Name} result");
        }

        Assert.HasCount(ActivityRegistry.All.Count, activities, "no activity binding without a registry entry");
    }

    [TestMethod]
    public void Orchestrator_RunJob_IsTheOneOrchestrationTrigger()
    {
        var orchestrators = AllFunctions().Where(f => Trigger<OrchestrationTriggerAttribute>(f.Method) is not null).ToList();

        Assert.HasCount(1, orchestrators);
        Assert.AreEqual(nameof(JobOrchestration.RunJob), orchestrators[0].Name);
    }

    [TestMethod]
    public void HttpFunctions_MatchTheServersRoutes_VerbForVerb()
    {
        HashSet<string> functions = [.. AllFunctions()
            .Select(f => (f.Name, Http: Trigger<HttpTriggerAttribute>(f.Method)))
            .Where(f => f.Http is not null)
            .SelectMany(f => f.Http!.Methods!.Select(m => Key(m, $"/{ApiRoutes.Prefix}/{f.Http.Route}")))];

        WebApplication server = DarkroomServer.Build([]);
        HashSet<string> routes = [.. ((IEndpointRouteBuilder)server).DataSources
            .SelectMany(s => s.Endpoints)
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith(ApiRoutes.BasePath, StringComparison.Ordinal) == true)
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => Key(m, e.RoutePattern.RawText!)))];

        Assert.IsGreaterThan(15, routes.Count);
        CollectionAssert.AreEquivalent(routes.Order().ToArray(), functions.Order().ToArray(),
            $"server only: {string.Join(", ", routes.Except(functions))}; Functions only: {string.Join(", ", functions.Except(routes))}");
    }

    [TestMethod]
    public void HostJson_RoutePrefix_IsApiRoutesPrefix()
    {
        using JsonDocument host = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "host.json")));

        Assert.AreEqual(ApiRoutes.Prefix, host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
    }

    [TestMethod]
    public void BlobDrop_ListensToTheWholeInbox_ThroughEventGrid_AndBindsNoStream()
    {
        MethodInfo drop = AllFunctions().Single(f => f.Name == "BlobDrop").Method;
        ParameterInfo blob = drop.GetParameters().Single(p => p.GetCustomAttribute<BlobTriggerAttribute>() is not null);
        BlobTriggerAttribute trigger = blob.GetCustomAttribute<BlobTriggerAttribute>()!;

        Assert.AreEqual("inbox/{name}", trigger.BlobPath);
        Assert.AreEqual(BlobTriggerSource.EventGrid, trigger.Source);
        Assert.AreEqual(typeof(global::Azure.Storage.Blobs.BlobClient), blob.ParameterType, "the intake reads the blob itself; a Stream would be downloaded and dropped");
    }

    private static string Key(string method, string route) => $"{method.ToUpperInvariant()} {route.TrimEnd('/').ToLowerInvariant()}";
}

[TestClass]
public sealed class DurableRetryTests
{
    private static TaskFailureDetails Failure(string message) => new("Darkroom.Core.Workflow.ActivityFailedException", message, null, null);

    [TestMethod]
    public void Policy_DoesNotRetry4xx_RetriesFaults_ForEverySpec()
    {
        foreach (RetrySpec spec in new[] { RetrySpec.Transient, RetrySpec.Persistent, RetrySpec.Webhook })
        {
            RetryPolicy policy = DurableWorkflowContext.OptionsFor(spec).Retry!.Policy!;

            Assert.AreEqual(spec.MaxAttempts, policy.MaxNumberOfAttempts);
            Assert.IsFalse(policy.HandleFailure(Failure(ActivityFailure.Encode(new JobError("mask.nothing_found", "Found: nothing\nat all", 422)))));
            Assert.IsFalse(policy.HandleFailure(Failure(ActivityFailure.Encode(new JobError("webhook.rejected", "410: gone", 410)))));
            Assert.IsTrue(policy.HandleFailure(Failure(ActivityFailure.Encode(new JobError("model.unavailable", "503", 503)))));
            Assert.IsTrue(policy.HandleFailure(Failure("System.TimeoutException: storage")));
        }
    }

    [TestMethod]
    public async Task Context_CallsTheBoundActivityName_AndTurnsATaggedFailureIntoTheJobError()
    {
        var durable = new FailingOrchestrationContext(ActivityFailure.Encode(new JobError("image.corrupt", "bad: scan\nends", 422)));
        var context = new DurableWorkflowContext(durable);

        ActivityFailedException failure = await Assert.ThrowsExactlyAsync<ActivityFailedException>(
            () => context.CallActivityAsync<ValidateResult>(ActivityNames.Validate, new object(), RetrySpec.Transient));

        Assert.AreEqual(ActivityNames.Validate + ActivityFunctions.Suffix, durable.Called);
        Assert.AreEqual(("image.corrupt", 422, "bad: scan\nends"), (failure.Error.Code, failure.Error.Status, failure.Error.Message));
    }

    /// <summary>A test double of the orchestration context whose activities fail as Durable reports it.</summary>
    private sealed class FailingOrchestrationContext(string errorMessage) : TaskOrchestrationContext
    {
        public string? Called { get; private set; }

        public override TaskName Name => "RunJob";

        public override string InstanceId => "job";

        public override DateTime CurrentUtcDateTime => DateTime.UnixEpoch;

        public override bool IsReplaying => false;

        public override T? GetInput<T>() where T : default => default;

        public override Task<T> CallActivityAsync<T>(TaskName name, object? input = null, TaskOptions? options = null)
        {
            Called = name.Name;
            throw new TaskFailedException(name.Name, 1, new TaskFailureDetails("Darkroom.Core.Workflow.ActivityFailedException", errorMessage, null, null));
        }

        public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken) => Task.CompletedTask;

        public override void SetCustomStatus(object? customStatus)
        {
        }

        public override Guid NewGuid() => Guid.Empty;
    }
}
