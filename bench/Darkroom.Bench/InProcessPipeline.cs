using Darkroom.Core.Options;
using Darkroom.Imaging;
using Darkroom.Inference;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NetVips;

namespace Darkroom.Bench;

/// <summary>The remove-background work of the segment and compose activities, without storage in between.</summary>
internal sealed class InProcessPipeline(ModelSessions sessions, IsNetSegmenter segmenter, string model) : IDisposable
{
    public static InProcessPipeline Create(string modelDirectory, string model)
    {
        IOptions<InferenceOptions> options = Options.Create(new InferenceOptions { ModelDirectory = modelDirectory, ExecutionProvider = "auto" });
        var sessions = new ModelSessions(
            ModelCatalog.Load(Path.Combine(AppContext.BaseDirectory, "models.catalog.json")),
            options,
            NullLogger<ModelSessions>.Instance);
        return new InProcessPipeline(sessions, new IsNetSegmenter(sessions, options, NullLogger<IsNetSegmenter>.Instance), model);
    }

    public async Task<byte[]> RemoveBackgroundAsync(byte[] bytes)
    {
        using Segmentation segmentation = await segmenter.SegmentAsync(bytes, model, CancellationToken.None);
        using Image photo = ImageDecoder.DecodeUpright(bytes);
        using Image matte = Matte.ToSize(segmentation.Matte, photo.Width, photo.Height);
        var options = new RemoveBackgroundOptions();
        using Image result = Compositor.Compose(photo, matte, options, null);
        return ImageEncoder.Encode(result, options.Format, options.Quality, new ImagingOptions().PngCompression);
    }

    public void Dispose() => sessions.Dispose();
}
