using System.Diagnostics;
using Darkroom.Core.Errors;
using Darkroom.Core.Images;
using Darkroom.Core.Jobs;
using Darkroom.Core.Options;
using Darkroom.Core.Ports;
using Darkroom.Core.Workflow;
using Darkroom.Imaging;
using Darkroom.Inference;
using Microsoft.Extensions.Options;
using NetVips;

namespace Darkroom.Pipeline.Activities;

/// <summary>
/// Fills the masked pixels and writes the result; only masked pixels change, so everything else is
/// byte-identical in lossless formats. LaMa when it is installed (model <c>auto</c>) or asked for, with the HD
/// strategy; otherwise Telea, on the mask's bounding box plus its radius at full resolution.
/// </summary>
public sealed class InpaintActivity(IArtifactStore artifacts, LamaInpainter lama, IOptions<ImagingOptions> imaging, IOptions<InferenceOptions> inference) : IActivity<InpaintRequest, ComposeResult>
{
    /// <summary>Neighbourhood radius of Telea, in pixels.</summary>
    public const int Radius = 5;

    public async Task<ComposeResult> RunAsync(InpaintRequest request, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        string lamaModel = inference.Value.InpaintingModel;
        bool useLama = request.Options.Model switch
        {
            InpaintModel.Telea => false,
            InpaintModel.Lama => lama.IsInstalled(lamaModel)
                ? true
                : throw new DarkroomException(ErrorCodes.ModelUnavailable, 503, $"The LaMa model '{lamaModel}' is not installed on this deployment; use model 'telea' or 'auto'."),
            _ => lama.IsInstalled(lamaModel),
        };

        byte[] source = await artifacts.ReadRequiredAsync(request.SourceBlob, cancellationToken);
        byte[] maskPng = await artifacts.ReadRequiredAsync(request.MaskBlob, cancellationToken);
        (byte[] encoded, int width, int height) = await RenderAsync(source, maskPng, request.Options, useLama ? lamaModel : null, cancellationToken);
        OutputFormat format = request.Options.Format;
        string resultBlob = ArtifactPaths.Result(request.Tenant, request.JobId, format.Extension());
        await artifacts.PutAsync(resultBlob, encoded, format.ContentType(), cancellationToken);
        return new ComposeResult(new JobResult(resultBlob, format.ContentType(), encoded.LongLength, width, height), stopwatch.ElapsedMilliseconds);
    }

    private async Task<(byte[] Encoded, int Width, int Height)> RenderAsync(
        byte[] source, byte[] maskPng, RemoveWatermarkOptions options, string? lamaModel, CancellationToken cancellationToken)
    {
        using Image maskImage = Image.NewFromBuffer(maskPng);
        if (options.Output == WatermarkOutput.Mask)
        {
            return (ImageEncoder.Encode(maskImage, options.Format, options.Quality, imaging.Value.PngCompression), maskImage.Width, maskImage.Height);
        }

        using Image photo = ImageDecoder.DecodeUpright(source);
        byte[] mask = maskImage.WriteToMemory<byte>();
        ImageFormat? format = FormatSniffer.Sniff(source.AsSpan(0, Math.Min(32, source.Length)));
        bool lossy = format is ImageFormat.Jpeg or ImageFormat.Heif or ImageFormat.Avif;
        using Image? deblended = options.Method == RemovalMethod.Fill ? null : Deblend(photo, mask, lossy);
        using Image result = deblended is not null
            ? deblended.Copy()
            : lamaModel is null
                ? Inpaint(photo, mask)
                : await lama.InpaintAsync(photo, mask, options.HdStrategy, lamaModel, cancellationToken);
        return (ImageEncoder.Encode(result, options.Format, options.Quality, imaging.Value.PngCompression), result.Width, result.Height);
    }

    /// <summary>
    /// Recovers the photo under a semi-transparent mark (<see cref="WatermarkDeblender"/>) in the region around the
    /// mask; null when no blended mark could be estimated there (the caller fills instead).
    /// </summary>
    public static Image? Deblend(Image photo, byte[] mask, bool lossy)
    {
        int width = photo.Width, height = photo.Height;
        if (MaskOps.Bounds(mask, width, height) is not { } box)
        {
            return null;
        }

        (int left, int top, int w, int h) = Regions.Grow(box, Radius + 1, width, height);
        using Image region = photo.ExtractArea(left, top, w, h);
        using Image rgb = region.Bands >= 3 ? region.Copy() : region.Colourspace(Enums.Interpretation.Srgb);
        byte[] pixels = rgb.WriteToMemory<byte>();
        byte[] regionMask = new byte[w * h];
        for (int y = 0; y < h; y++)
        {
            Array.Copy(mask, ((top + y) * width) + left, regionMask, y * w, w);
        }

        if (WatermarkDeblender.Deblend(pixels, regionMask, w, h, rgb.Bands, lossy) is null)
        {
            return null;
        }

        using Image repaired = Image.NewFromMemory(pixels, w, h, rgb.Bands, Enums.BandFormat.Uchar).Copy(interpretation: rgb.Interpretation);
        return photo.Bands == rgb.Bands ? photo.Insert(repaired, left, top) : null;
    }

    /// <summary>Inpaints the region around the mask and inserts it back into the photo.</summary>
    public static Image Inpaint(Image photo, byte[] mask)
    {
        int width = photo.Width, height = photo.Height;
        if (MaskOps.Bounds(mask, width, height) is not { } box)
        {
            return photo.Copy();
        }

        (int left, int top, int w, int h) = Regions.Grow(box, Radius + 1, width, height);
        using Image region = photo.ExtractArea(left, top, w, h);
        byte[] pixels = region.WriteToMemory<byte>();
        byte[] regionMask = new byte[w * h];
        for (int y = 0; y < h; y++)
        {
            Array.Copy(mask, ((top + y) * width) + left, regionMask, y * w, w);
        }

        TeleaInpainter.Inpaint(pixels, regionMask, w, h, region.Bands, Radius);
        using Image patch = Image.NewFromMemory(pixels, w, h, region.Bands, Enums.BandFormat.Uchar).Copy(interpretation: photo.Interpretation);
        return photo.Insert(patch, left, top);
    }
}
