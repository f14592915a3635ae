using Darkroom.Core.Errors;
using Darkroom.Inference;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace Darkroom.Pipeline;

/// <summary>
/// Loads and warms the configured models in the background at start, so the first job finds them ready; and checks an
/// installed LaMa file against the catalog (names, shapes, output range), so a wrong one is logged and switched off
/// at start rather than discovered by a job. Readiness turns true when the warm-up is done.
/// </summary>
public sealed class ModelWarmup(IsNetSegmenter segmenter, LamaInpainter lama, Readiness readiness, IOptions<InferenceOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Run(() => lama.IsInstalled(options.Value.InpaintingModel), stoppingToken);
            foreach (string id in options.Value.Preload.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                await segmenter.WarmUpAsync(id, stoppingToken);
            }

            readiness.Warmed();
        }
        catch (Exception ex) when (ex is DarkroomException or OnnxRuntimeException)
        {
            // Not ready, and the readiness check says why (a missing or corrupt preloaded model).
            readiness.Failed(ex.Message);
        }
    }
}
