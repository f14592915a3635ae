using Azure;
using Darkroom.Api.Contracts;
using Darkroom.Api;
using Darkroom.Azure;
using Darkroom.Inference;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Darkroom.Api.Endpoints;

/// <summary>GET /api/v1/health: storage reachable, which models are installed and loaded, and on which execution provider.</summary>
public static class HealthApi
{
    public static RouteHandlerBuilder MapHealthApi(this IEndpointRouteBuilder app) =>
        app.MapGet($"{JobsApi.BasePath}/health", GetHealth).WithTags("Health");

    public static async Task<Results<Ok<HealthView>, JsonHttpResult<HealthView>>> GetHealth(
        StorageProvisioner storage,
        ModelSessions sessions,
        BackgroundLoops loops,
        CancellationToken cancellationToken)
    {
        StorageHealth storageHealth;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await storage.PingAsync(timeout.Token);
            storageHealth = new StorageHealth(true, null);
        }
        catch (RequestFailedException ex)
        {
            storageHealth = new StorageHealth(false, ex.Message.Split('\n')[0]);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            storageHealth = new StorageHealth(false, "Storage did not answer within 5 s.");
        }

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
