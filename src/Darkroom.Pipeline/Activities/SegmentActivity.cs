using System.Diagnostics;
using Darkroom.Core.Jobs;
using Darkroom.Core.Ports;
using Darkroom.Core.Workflow;
using Darkroom.Imaging;
using Darkroom.Inference;
using Microsoft.Extensions.Options;
using NetVips;

namespace Darkroom.Pipeline.Activities;

/// <summary>
/// Runs the segmentation model and stores its matte (at the model's size, or larger where a small subject's crop had a
/// second pass) as a PNG intermediate; on the key route
/// (graphics) keys out the border colour instead and stores the alpha and the edge colours at full size.
/// </summary>
public sealed class SegmentActivity(IArtifactStore artifacts, IsNetSegmenter segmenter, IOptions<ImagingOptions> imaging) : IActivity<SegmentRequest, SegmentResult>
{
    public async Task<SegmentResult> RunAsync(SegmentRequest request, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        byte[] source = await artifacts.ReadRequiredAsync(request.SourceBlob, cancellationToken);
        if (request.Subject is { Route: CutoutSubject.Key, KeyColour: { Count: 3 } colour } subject)
        {
            // A graphic: the border's colour keyed out at full resolution, with the subject's own edge colours.
            using Image photo = ImageDecoder.DecodeUpright(source);
            (Image alpha, Image foreground) = BorderKey.Key(photo, [(byte)colour[0], (byte)colour[1], (byte)colour[2]], subject.KeyNoise);
            using (alpha)
            using (foreground)
            {
                string keyBlob = ArtifactPaths.Matte(request.Tenant, request.JobId), colourBlob = ArtifactPaths.Foreground(request.Tenant, request.JobId);
                await artifacts.PutAsync(keyBlob, alpha.PngsaveBuffer(compression: imaging.Value.PngCompression), "image/png", cancellationToken);
                await artifacts.PutAsync(colourBlob, foreground.PngsaveBuffer(compression: imaging.Value.PngCompression), "image/png", cancellationToken);
                return new SegmentResult(keyBlob, CutoutSubject.Key, "cpu", stopwatch.ElapsedMilliseconds, colourBlob);
            }
        }

        // A subject out of focus gets a second pass on the sharp region; a small subject in a large photo one on its
        // crop (not for a preview, which would not show its detail).
        using Segmentation segmentation = await segmenter.SegmentSubjectAsync(source, request.Model, cancellationToken, cropPass: !request.Preview);
        byte[] png = segmentation.Matte.PngsaveBuffer(compression: imaging.Value.PngCompression);
        string matteBlob = ArtifactPaths.Matte(request.Tenant, request.JobId);
        await artifacts.PutAsync(matteBlob, png, "image/png", cancellationToken);
        return new SegmentResult(matteBlob, segmentation.Model, segmentation.Provider, stopwatch.ElapsedMilliseconds, SecondPass: segmentation.SecondPass);
    }
}
