using Darkroom.Api.Endpoints;
using Darkroom.Api.Jobs;
using Darkroom.Azure;
using Darkroom.Core.Ports;
using Darkroom.Imaging;
using Darkroom.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Darkroom.Api;

public static class DarkroomServiceCollectionExtensions
{
    /// <summary>
    /// Everything both hosts share: options, storage adapters, the pipeline and the HTTP handlers' services.
    /// The host adds its own <see cref="IJobStarter"/> (a queue in the server, Durable in Functions).
    /// </summary>
    public static IServiceCollection AddDarkroom(this IServiceCollection services)
    {
        // First, so containers, tables and queues exist before any worker or trigger starts.
        services.AddHostedService<StorageStartup>();
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddDarkroomPipeline();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<AuthOptions>, NestedOptionsValidator<AuthOptions>>();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<Darkroom.Pipeline.Classification.ClassifyOptions>, NestedOptionsValidator<Darkroom.Pipeline.Classification.ClassifyOptions>>();
        services.AddSingleton<StorageClients>();
        services.AddSingleton<StorageProvisioner>();
        services.AddSingleton<IArtifactStore, BlobArtifactStore>();
        services.AddSingleton<IJobStore, TableJobStore>();
        services.AddSingleton<ICheckpointStore, TableCheckpointStore>();
        services.AddSingleton<IBatchStore, TableBatchStore>();
        services.AddSingleton<IApiKeyStore, TableApiKeyStore>();
        services.AddSingleton<ICreditLedger, TableCreditLedger>();
        services.AddSingleton<IClassificationStore, TableClassificationStore>();
        services.AddSingleton<IRateCounter, TableRateCounter>();
        services.AddSingleton<Credits>();
        services.AddSingleton<ApiKeys>();
        services.AddSingleton<BatchSubmitter>();
        services.AddSingleton<JobSubmitter>();
        services.AddSingleton<JobWaiter>();
        services.AddSingleton<JobRemover>();
        services.AddSingleton<InboxIntake>();
        services.AddSingleton<BackgroundLoops>();
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RetentionSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<RetentionSweeper>());
        services.AddSingleton<Caller>();
        services.AddProblemDetails(options => options.CustomizeProblemDetails = ProblemMapping.AddMissingCode);
        services.AddExceptionHandler<ProblemMapping>();
        services.AddOpenApi("v1", OpenApi.ApiDocument.Configure);

        // The same body limits in both hosts: Kestrel (the server's, and the Functions worker's behind
        // ConfigureFunctionsWebApplication) and the form reader default to about 30 MB otherwise.
        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<ImagingOptions>>((kestrel, imaging) => kestrel.Limits.MaxRequestBodySize = UploadReader.MaxRequestBytes(imaging.Value));
        services.AddOptions<FormOptions>()
            .Configure<IOptions<ImagingOptions>>((form, imaging) => form.MultipartBodyLengthLimit = UploadReader.MaxRequestBytes(imaging.Value));
        return services;
    }

    /// <summary>Maps every route of API v1 and the OpenAPI document.</summary>
    public static IEndpointRouteBuilder MapDarkroomApi(this IEndpointRouteBuilder app)
    {
        app.MapJobsApi();
        app.MapSyncApi();
        app.MapAdminApi();
        app.MapUsageApi();
        app.MapClassifyApi();
        app.MapStatsApi();
        app.MapBatchesApi();
        app.MapHealthApi();
        app.MapRemoveBgApi();
        app.MapOpenApi();
        return app;
    }
}
