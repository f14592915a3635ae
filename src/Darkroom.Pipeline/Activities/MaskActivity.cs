using System.Diagnostics;
using Darkroom.Core.Errors;
using Darkroom.Core.Ports;
using Darkroom.Core.Workflow;
using Darkroom.Imaging;
using Darkroom.Inference;
using NetVips;

namespace Darkroom.Pipeline.Activities;

/// <summary>The inpainting mask: the uploaded one scaled to the photo, or one found by text detection; then dilated.</summary>
public sealed class MaskActivity(IArtifactStore artifacts, TextDetector detector) : IActivity<MaskRequest, MaskResult>
{
    /// <summary>The most of a photo an automatic mask may cover.</summary>
    public const double MaxAutoCover = Inference.WatermarkMasker.MaxAutoCover;

    public async Task<MaskResult> RunAsync(MaskRequest request, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        byte[] source = await artifacts.ReadRequiredAsync(request.SourceBlob, cancellationToken);
        using Image photo = ImageDecoder.DecodeUpright(source);
        int width = photo.Width, height = photo.Height, regions = 0;
        byte[] mask;
        if (request.UploadedMaskBlob is not null)
        {
            mask = MaskOps.FromUpload(await artifacts.ReadRequiredAsync(request.UploadedMaskBlob, cancellationToken), width, height);
        }
        else
        {
            IReadOnlyList<TextBox> boxes = await detector.DetectAsync(photo, cancellationToken);
            regions = boxes.Count;
            mask = WatermarkMasker.Build(photo, boxes, request.Options.MaskMode);
            if (MaskOps.Coverage(mask) == 0)
            {
                throw new DarkroomException(
                    ErrorCodes.MaskNothingFound,
                    422,
                    $"No watermark-like text was found ({regions} text regions looked at); upload a mask (white = remove) or try maskMode 'text'.");
            }
        }

        MaskOps.Dilate(mask, width, height, request.Options.Dilate);
        double coverage = MaskOps.CheckCoverage(mask);
        if (request.UploadedMaskBlob is null && coverage > MaxAutoCover && request.Options.Output != Core.Options.WatermarkOutput.Mask)
        {
            // A found mask this large would repaint much of the photo: ask for the caller's own mask instead
            // (output 'mask' still shows what was found).
            throw new DarkroomException(
                ErrorCodes.MaskCoversTooMuch,
                422,
                $"The automatic mask covers {coverage:P0} of the photo, over the {MaxAutoCover:P0} it may; upload a mask (white = remove), or ask for output 'mask' to see what was found.");
        }

        using Image maskImage = MaskOps.ToImage(mask, width, height);
        string maskBlob = ArtifactPaths.InpaintMask(request.Tenant, request.JobId);
        await artifacts.PutAsync(maskBlob, maskImage.PngsaveBuffer(compression: 1), "image/png", cancellationToken);
        return new MaskResult(maskBlob, coverage, regions, stopwatch.ElapsedMilliseconds);
    }
}
