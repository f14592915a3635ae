using Darkroom.Imaging;
using Darkroom.Inference;
using Darkroom.Pipeline.Activities;
using Darkroom.Pipeline.Classification;
using Darkroom.Pipeline.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Darkroom.Pipeline;

public static class PipelineServiceCollectionExtensions
{
    /// <summary>Imaging, inference and the activities, with their options bound and validated at start.</summary>
    public static IServiceCollection AddDarkroomPipeline(this IServiceCollection services)
    {
        VipsSettings.ForService();
        services.AddOptions<ImagingOptions>().BindConfiguration(ImagingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<InferenceOptions>().BindConfiguration(InferenceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ImageProbe>();
        services.AddSingleton(sp =>
        {
            InferenceOptions options = sp.GetRequiredService<IOptions<InferenceOptions>>().Value;
            return ModelCatalog.Load(options.CatalogPath ?? Path.Combine(AppContext.BaseDirectory, "models.catalog.json"));
        });
        services.AddSingleton<ModelSessions>();
        services.AddSingleton<IsNetSegmenter>();
        services.AddSingleton<TextDetector>();
        services.AddSingleton<LamaInpainter>();
        services.AddSingleton<PhotoModels>();
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<CallbackUrls>();
        services.AddOptions<Fetching.FetchOptions>().BindConfiguration(Fetching.FetchOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Fetching.ImageFetcher>();
        services.AddOptions<ClassifyOptions>().BindConfiguration(ClassifyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<TextRecognizer>();
        services.AddSingleton<IClassifierStep, IdCardDetector>();
        services.AddSingleton<IClassifierStep, ScreenshotDetector>();
        services.AddSingleton<IClassifierStep, PhotoContentStep>();
        services.AddSingleton<IClassifierStep>(sp => new RemoteVisionClassifier(
            new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, sp.GetRequiredService<IOptions<ClassifyOptions>>()));
        services.AddSingleton<ClassifierChain>();
        services.AddOptions<PlacesOptions>().BindConfiguration(PlacesOptions.Section);
        services.AddSingleton<Places>();
        services.AddSingleton<PhotoClassifier>();
        services.AddActivities();
        services.AddSingleton<ActivityDispatcher>();
        services.AddSingleton<Readiness>();
        services.AddHostedService<ModelWarmup>();
        return services;
    }
}
