using Darkroom.Inference;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Darkroom.Pipeline;

/// <summary>Loads and warms the configured models in the background at start, so the first job finds them ready.</summary>
public sealed class ModelWarmup(IsNetSegmenter segmenter, IOptions<InferenceOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (string id in options.Value.Preload.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await segmenter.WarmUpAsync(id, stoppingToken);
        }
    }
}
