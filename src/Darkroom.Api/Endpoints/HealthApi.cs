using Azure;
using Darkroom.Api.Contracts;
using Darkroom.Api;
using Darkroom.Core;
using Darkroom.Azure;
using Darkroom.Inference;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Darkroom.Api.Endpoints;

/// <summary>
/// GET /api/v1/health: storage reachable, which models are installed and loaded, and on which execution provider;
/// /health/live (the process answers) and /health/ready (storage answers and the model warm-up is done) for probes.
/// </summary>
public static class HealthApi
{
    public static RouteHandlerBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet($"/{ApiRoutes.Prefix}/{ApiRoutes.HealthLive}", Live).WithTags("Health");
        app.MapGet($"/{ApiRoutes.Prefix}/{ApiRoutes.HealthReady}", GetReady).WithTags("Health");
        return app.MapGet($"{JobsApi.BasePath}/health", GetHealth).WithTags("Health");
    }

    /// <summary>Liveness: the process answers. Nothing else is checked, so a slow model load or a storage outage does not get it restarted.</summary>
    public static Ok<ReadinessView> Live() => TypedResults.Ok(new ReadinessView("alive", null));

    /// <summary>Readiness: storage answers and the preloaded models have loaded and run once; 503 with the reason until then.</summary>
    public static async Task<Results<Ok<ReadinessView>, JsonHttpResult<ReadinessView>>> GetReady(StorageProvisioner storage, Readiness readiness, CancellationToken cancellationToken)
    {
        string? storageProblem = await PingAsync(storage, cancellationToken);
        string? problem = storageProblem is not null ? "storage: " + storageProblem
            : readiness.Problem is { } failed ? "model warm-up failed: " + failed
            : !readiness.Warm ? "the preloaded models are still warming up"
            : null;
        return problem is null
            ? TypedResults.Ok(new ReadinessView("ready", null))
            : TypedResults.Json(new ReadinessView("not ready", problem), statusCode: 503);
    }

    private static async Task<string?> PingAsync(StorageProvisioner storage, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await storage.PingAsync(timeout.Token);
            return null;
        }
        catch (RequestFailedException ex)
        {
            return ex.Message.Split('\n')[0];
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "Storage did not answer within 5 s.";
        }
    }

    public static async Task<Results<Ok<HealthView>, JsonHttpResult<HealthView>>> GetHealth(
        StorageProvisioner storage,
        ModelSessions sessions,
        BackgroundLoops loops,
        CancellationToken cancellationToken)
    {
        string? storageProblem = await PingAsync(storage, cancellationToken);
        var storageHealth = new StorageHealth(storageProblem is null, storageProblem);

        Dictionary<string, LoadedModel> loaded = sessions.Loaded.ToDictionary(m => m.Spec.Id, StringComparer.Ordinal);
        ModelHealth[] models =
        [
            .. sessions.Catalog.Models.Select(spec => loaded.TryGetValue(spec.Id, out LoadedModel? model)
                ? new ModelHealth(spec.Id, spec.Task, true, true, model.Provider, (long)model.LoadTime.TotalMilliseconds)
                : new ModelHealth(spec.Id, spec.Task, File.Exists(sessions.ModelPath(spec)), false, null, null)),
        ];
        ExecutionProviderStatus provider = sessions.Provider;
        IReadOnlyList<LoopView> loopViews = loops.Snapshot();
        bool degraded = (provider.Requested == "cuda" && provider.Active != "cuda") || loopViews.Any(l => l.State != "running");
        var view = new HealthView(
            !storageHealth.Ok ? "unhealthy" : degraded ? "degraded" : "healthy",
            storageHealth,
            new ExecutionProviderView(provider.Requested, provider.Active, provider.FallbackReason),
            models,
            loopViews);
        return storageHealth.Ok ? TypedResults.Ok(view) : TypedResults.Json(view, statusCode: 503);
    }
}
