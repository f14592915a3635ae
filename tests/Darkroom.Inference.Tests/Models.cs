using Darkroom.Inference;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Darkroom.Inference.Tests;

/// <summary>The real catalog and the real model files installed by the setup script.</summary>
internal static class Models
{
    public static ModelCatalog Catalog { get; } = ModelCatalog.Load(Path.Combine(AppContext.BaseDirectory, "models.catalog.json"));

    public static IOptions<InferenceOptions> Options(string executionProvider = "auto") =>
        Microsoft.Extensions.Options.Options.Create(new InferenceOptions
        {
            ModelDirectory = RepoPaths.Models,
            ExecutionProvider = executionProvider,
        });

    public static ModelSessions Sessions(ModelCatalog? catalog = null, string executionProvider = "auto") =>
        new(catalog ?? Catalog, Options(executionProvider), NullLogger<ModelSessions>.Instance);

    public static IsNetSegmenter Segmenter(ModelSessions sessions) =>
        new(sessions, Options(), NullLogger<IsNetSegmenter>.Instance);
}
