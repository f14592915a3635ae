using Darkroom.Api.Endpoints;
using Darkroom.Core;
using Darkroom.Core.Jobs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Darkroom.Functions;

/// <summary>Every route of API v1, each a one-line call into the handlers the server maps (Darkroom.Api).</summary>
public sealed class HttpFunctions(
    ApiServices services,
    Darkroom.Api.Jobs.BatchSubmitter batchSubmitter,
    Darkroom.Core.Ports.IBatchStore batchStore,
    Darkroom.Api.Jobs.ApiKeys apiKeys,
    Microsoft.Extensions.Options.IOptions<Darkroom.Api.AuthOptions> authOptions,
    Darkroom.Azure.StorageProvisioner storage,
    Darkroom.Inference.ModelSessions sessions,
    Darkroom.Inference.Readiness readiness,
    Darkroom.Api.BackgroundLoops loops,
    Darkroom.Api.Jobs.Credits credits,
    Darkroom.Pipeline.Webhooks.CallbackUrls callbackUrls,
    Darkroom.Pipeline.Classification.PhotoClassifier classifier,
    Microsoft.Extensions.Options.IOptions<Darkroom.Pipeline.Classification.ClassifyOptions> classifyOptions,
    Darkroom.Core.Ports.IClassificationStore classifications,
    TimeProvider clock)
{
    private ClassifyServices Classifying => new(services.Caller, services.Probe, classifier, credits, services.Imaging, classifyOptions, services.Fetcher);

    [Function("CreateJob")]
    public async Task<IResult> CreateJob(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.Jobs)] HttpRequest req,
        [DurableClient] DurableTaskClient client) =>
        await ProblemMapping.GuardAsync(async () => await JobsApi.CreateJob(req, services, new DurableJobStarter(client), JobsApi.WaitQuery(req), req.HttpContext.RequestAborted));

    [Function("ListJobs")]
    public async Task<IResult> ListJobs([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Jobs)] HttpRequest req) =>
        await ProblemMapping.GuardAsync(async () => await JobsApi.ListJobs(req.HttpContext, services, JobsApi.PageSizeQuery(req), req.Query["continuation"], req.HttpContext.RequestAborted));

    [Function("GetJob")]
    public async Task<IResult> GetJob([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Job)] HttpRequest req, string id) =>
        await ProblemMapping.GuardAsync(async () => await JobsApi.GetJob(id, req.HttpContext, services, req.HttpContext.RequestAborted));

    [Function("GetJobResult")]
    public async Task<IResult> GetJobResult([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.JobResult)] HttpRequest req, string id) =>
        await ProblemMapping.GuardAsync(async () => await JobsApi.GetResult(id, req.HttpContext, services, req.HttpContext.RequestAborted));

    [Function("DeleteJob")]
    public async Task<IResult> DeleteJob(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = ApiRoutes.Job)] HttpRequest req,
        string id,
        [DurableClient] DurableTaskClient client) =>
        await ProblemMapping.GuardAsync(async () =>
        {
            // The job's blobs, rows and checkpoints go first (and only the caller's own job answers 204); then its Durable history.
            Results<NoContent, ProblemHttpResult> deleted = await JobsApi.DeleteJob(id, req.HttpContext, services, req.HttpContext.RequestAborted);
            if (deleted.Result is NoContent)
            {
                await DurableJobStarter.ForgetAsync(client, id, req.HttpContext.RequestAborted);
            }

            return deleted;
        });

    [Function("RemoveBackground")]
    public async Task<IResult> RemoveBackground(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.RemoveBackground)] HttpRequest req,
        [DurableClient] DurableTaskClient client) =>
        await ProblemMapping.GuardAsync(async () => await SyncApi.RunAsync(JobOperation.RemoveBackground, req, services, new DurableJobStarter(client), JobsApi.WaitQuery(req), req.HttpContext.RequestAborted));

    [Function("RemoveWatermark")]
    public async Task<IResult> RemoveWatermark(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.RemoveWatermark)] HttpRequest req,
        [DurableClient] DurableTaskClient client) =>
        await ProblemMapping.GuardAsync(async () => await SyncApi.RunAsync(JobOperation.RemoveWatermark, req, services, new DurableJobStarter(client), JobsApi.WaitQuery(req), req.HttpContext.RequestAborted));

    [Function("RemoveBg")]
    public async Task<IResult> RemoveBg(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.RemoveBg)] HttpRequest req,
        [DurableClient] DurableTaskClient client) =>
        await RemoveBgApi.RunAsync(req, services, new DurableJobStarter(client), req.HttpContext.RequestAborted);

    [Function("CreateBatch")]
    public async Task<IResult> CreateBatch(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.Batches)] HttpRequest req,
        [DurableClient] DurableTaskClient client) =>
        await ProblemMapping.GuardAsync(async () => await BatchesApi.CreateBatch(req, services, batchSubmitter, new DurableJobStarter(client), req.HttpContext.RequestAborted));

    [Function("GetBatch")]
    public async Task<IResult> GetBatch([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Batch)] HttpRequest req, string id) =>
        await ProblemMapping.GuardAsync(async () => await BatchesApi.GetBatch(id, req.HttpContext, services, batchStore, req.HttpContext.RequestAborted));

    [Function("CreateApiKey")]
    public async Task<IResult> CreateApiKey([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.AdminKeys)] HttpRequest req) =>
        await ProblemMapping.GuardAsync(async () => await AdminApi.CreateKey(
            req.HttpContext,
            await req.ReadFromJsonAsync<CreateKeyRequest>(req.HttpContext.RequestAborted) ?? new CreateKeyRequest("", ""),
            apiKeys,
            authOptions,
            callbackUrls,
            req.HttpContext.RequestAborted));

    [Function("RevokeApiKey")]
    public async Task<IResult> RevokeApiKey([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = ApiRoutes.AdminKey)] HttpRequest req, string prefix) =>
        await ProblemMapping.GuardAsync(async () => await AdminApi.RevokeKey(req.HttpContext, prefix, apiKeys, authOptions, req.HttpContext.RequestAborted));

    [Function("GetUsage")]
    public async Task<IResult> GetUsage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Usage)] HttpRequest req) =>
        await ProblemMapping.GuardAsync(async () => await UsageApi.GetUsage(req.HttpContext, services.Caller, credits, authOptions, req.HttpContext.RequestAborted));

    [Function("Classify")]
    public async Task<IResult> Classify([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.Classify)] HttpRequest req) =>
        await ProblemMapping.GuardAsync(async () => await ClassifyApi.Classify(req, Classifying, req.HttpContext.RequestAborted));

    [Function("LocalClassify")]
    public async Task<IResult> LocalClassify([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.LocalClassify)] HttpRequest req) =>
        await ProblemMapping.GuardAsync(async () => await ClassifyApi.LocalClassify(req, Classifying, req.HttpContext.RequestAborted));

    [Function("ClassifyBatch")]
    public async Task<IResult> ClassifyBatch([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.ClassifyBatch)] HttpRequest req) =>
        await ProblemMapping.GuardAsync(async () => await ClassifyApi.ClassifyBatch(req, Classifying, req.HttpContext.RequestAborted));

    [Function("ClassifyCheckCache")]
    public async Task<IResult> ClassifyCheckCache([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.ClassifyCheckCache)] HttpRequest req) =>
        await ProblemMapping.GuardAsync(async () => await ClassifyApi.CheckCache(
            req.HttpContext,
            await req.ReadFromJsonAsync<CheckCacheRequest>(req.HttpContext.RequestAborted) ?? new CheckCacheRequest(null),
            services.Caller,
            classifier,
            req.HttpContext.RequestAborted));

    [Function("StatsToday")]
    public async Task<IResult> StatsToday([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.StatsToday)] HttpRequest req) =>
        await ProblemMapping.GuardAsync(async () => await StatsApi.Today(req.HttpContext, services.Caller, classifications, clock, req.HttpContext.RequestAborted));

    [Function("StatsTopUsers")]
    public async Task<IResult> StatsTopUsers([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.StatsTopUsers)] HttpRequest req) =>
        await ProblemMapping.GuardAsync(async () => await StatsApi.TopUsers(req.HttpContext, authOptions, classifications, classifyOptions, int.TryParse(req.Query["limit"], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int limit) ? limit : null, req.HttpContext.RequestAborted));

    [Function("StatsCacheEfficiency")]
    public async Task<IResult> StatsCacheEfficiency([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.StatsCacheEfficiency)] HttpRequest req) =>
        await ProblemMapping.GuardAsync(async () => await StatsApi.CacheEfficiency(req.HttpContext, services.Caller, classifications, classifyOptions, req.HttpContext.RequestAborted));

    [Function("StatsCategoryDistribution")]
    public async Task<IResult> StatsCategoryDistribution([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.StatsCategoryDistribution)] HttpRequest req) =>
        await ProblemMapping.GuardAsync(async () => await StatsApi.CategoryDistribution(req.HttpContext, services.Caller, classifications, req.HttpContext.RequestAborted));

    [Function("StatsPlaces")]
    public async Task<IResult> StatsPlaces([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.StatsPlaces)] HttpRequest req) =>
        await ProblemMapping.GuardAsync(async () => await StatsApi.Places(req.HttpContext, services.Caller, classifications, req.HttpContext.RequestAborted));

    [Function("HealthLive")]
    public static IResult HealthLive([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.HealthLive)] HttpRequest req) =>
        HealthApi.Live();

    [Function("HealthReady")]
    public async Task<IResult> HealthReady([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.HealthReady)] HttpRequest req) =>
        await ProblemMapping.GuardAsync(async () => await HealthApi.GetReady(storage, readiness, req.HttpContext.RequestAborted));

    [Function("Health")]
    public async Task<IResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Health)] HttpRequest req) =>
        await ProblemMapping.GuardAsync(async () => await HealthApi.GetHealth(storage, sessions, loops, req.HttpContext.RequestAborted));
}
