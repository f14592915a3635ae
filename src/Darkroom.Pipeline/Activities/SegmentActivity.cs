using System.Diagnostics;
using Darkroom.Core.Ports;
using Darkroom.Core.Workflow;
using Darkroom.Imaging;
using Darkroom.Inference;
using Microsoft.Extensions.Options;

namespace Darkroom.Pipeline.Activities;

/// <summary>Runs the segmentation model and stores its matte (at the model's size) as a PNG intermediate.</summary>
public sealed class SegmentActivity(IArtifactStore artifacts, IsNetSegmenter segmenter, IOptions<ImagingOptions> imaging) : IActivity<SegmentRequest, SegmentResult>
{
    public async Task<SegmentResult> RunAsync(SegmentRequest request, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        byte[] source = await artifacts.ReadRequiredAsync(request.SourceBlob, cancellationToken);
        using Segmentation segmentation = await segmenter.SegmentAsync(source, request.Model, cancellationToken);
        byte[] png = segmentation.Matte.PngsaveBuffer(compression: imaging.Value.PngCompression);
        string matteBlob = ArtifactPaths.Matte(request.Tenant, request.JobId);
        await artifacts.PutAsync(matteBlob, png, "image/png", cancellationToken);
        return new SegmentResult(matteBlob, segmentation.Model, segmentation.Provider, stopwatch.ElapsedMilliseconds);
    }
}
