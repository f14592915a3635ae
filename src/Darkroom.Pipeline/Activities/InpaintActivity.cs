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
/// strategy; otherwise Telea (or the exemplar fill when asked for), on the mask's bounding box plus context at full resolution.
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
            InpaintModel.Telea or InpaintModel.Exemplar => false,
            InpaintModel.Lama => lama.IsInstalled(lamaModel)
                ? true
                : throw new DarkroomException(ErrorCodes.ModelUnavailable, 503, $"The LaMa model '{lamaModel}' is not installed on this deployment; use model 'telea' or 'auto'."),
            _ => lama.IsInstalled(lamaModel),
        };

        byte[] source = await artifacts.ReadRequiredAsync(request.SourceBlob, cancellationToken);
        byte[] maskPng = await artifacts.ReadRequiredAsync(request.MaskBlob, cancellationToken);
        (byte[] encoded, int width, int height, IReadOnlyList<WatermarkRegion>? regions) = await RenderAsync(source, maskPng, request.Options, useLama ? lamaModel : null, cancellationToken);
        OutputFormat format = request.Options.Format;
        string resultBlob = ArtifactPaths.Result(request.Tenant, request.JobId, format.Extension());
        await artifacts.PutAsync(resultBlob, encoded, format.ContentType(), cancellationToken);
        return new ComposeResult(new JobResult(resultBlob, format.ContentType(), encoded.LongLength, width, height, regions), stopwatch.ElapsedMilliseconds);
    }

    private async Task<(byte[] Encoded, int Width, int Height, IReadOnlyList<WatermarkRegion>? Regions)> RenderAsync(
        byte[] source, byte[] maskPng, RemoveWatermarkOptions options, string? lamaModel, CancellationToken cancellationToken)
    {
        using Image maskImage = Image.NewFromBuffer(maskPng);
        if (options.Output == WatermarkOutput.Mask)
        {
            return (ImageEncoder.Encode(maskImage, options.Format, options.Quality, imaging.Value.PngCompression), maskImage.Width, maskImage.Height, null);
        }

        using Image photo = ImageDecoder.DecodeUpright(source);
        byte[] mask = maskImage.WriteToMemory<byte>();
        ImageFormat? format = FormatSniffer.Sniff(source.AsSpan(0, Math.Min(32, source.Length)));
        bool lossy = format is ImageFormat.Jpeg or ImageFormat.Heif or ImageFormat.Avif;
        byte[] actions = new byte[mask.Length];
        (Image? deblended, DeblendReport? report) = options.Method == RemovalMethod.Fill ? (null, null) : Deblend(photo, mask, lossy, actions);
        using (deblended)
        {
            if (deblended is null)
            {
                Array.Fill(actions, WatermarkDeblender.Filled);
            }

            using Image result = deblended is not null
                ? deblended.Copy()
                : lamaModel is null
                    ? Inpaint(photo, mask, exemplar: options.Model == InpaintModel.Exemplar)
                    : await lama.InpaintAsync(photo, mask, options.HdStrategy, lamaModel, cancellationToken);
            return (ImageEncoder.Encode(result, options.Format, options.Quality, imaging.Value.PngCompression), result.Width, result.Height, Describe(mask, actions, photo.Width, photo.Height, report));
        }
    }

    /// <summary>
    /// What was done per region of the mask (groups of masked pixels within 1 % of the photo's shorter side of each
    /// other), the largest <see cref="WatermarkRegion.MaxListed"/> listed: de-blended (most of its pixels recovered by
    /// inversion, with the estimated opacity and colour), filled, or untouched (no mark found under it).
    /// </summary>
    public static IReadOnlyList<WatermarkRegion> Describe(byte[] mask, byte[] actions, int width, int height, DeblendReport? report)
    {
        (int[] group, List<(int Left, int Top, int Width, int Height)> boxes) = MaskOps.Groups(mask, width, height, Math.Max(2, Math.Min(width, height) / 100));
        int[,] counts = new int[boxes.Count, 3];
        for (int i = 0; i < group.Length; i++)
        {
            if (group[i] >= 0)
            {
                counts[group[i], actions[i]]++;
            }
        }

        IReadOnlyList<int>? colour = report is null ? null : [(int)Math.Round(report.Red), (int)Math.Round(report.Green), (int)Math.Round(report.Blue)];
        return [.. Enumerable.Range(0, boxes.Count)
            .OrderByDescending(g => counts[g, 0] + counts[g, 1] + counts[g, 2])
            .Take(WatermarkRegion.MaxListed)
            .Select(g =>
            {
                int untouched = counts[g, WatermarkDeblender.Untouched], recovered = counts[g, WatermarkDeblender.Recovered], filled = counts[g, WatermarkDeblender.Filled];
                string action = recovered == 0 && filled == 0 ? WatermarkRegion.UntouchedAction : recovered >= filled ? WatermarkRegion.Deblended : WatermarkRegion.FilledAction;
                bool blended = action == WatermarkRegion.Deblended && report is not null;
                (int left, int top, int w, int h) = boxes[g];
                return new WatermarkRegion(left, top, w, h, action, blended ? Math.Round(report!.Alpha, 3) : null, blended ? colour : null, recovered, filled, untouched);
            })];
    }

    /// <summary>
    /// Recovers the photo under a semi-transparent mark (<see cref="WatermarkDeblender"/>) in the region around the
    /// mask; null when no blended mark could be estimated there (the caller fills instead). <paramref name="actions"/>
    /// (the photo's size) is set for each masked pixel to what was done there.
    /// </summary>
    public static (Image? Result, DeblendReport? Report) Deblend(Image photo, byte[] mask, bool lossy, byte[]? actions = null)
    {
        int width = photo.Width, height = photo.Height;
        if (MaskOps.Bounds(mask, width, height) is not { } box)
        {
            return (null, null);
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

        byte[] regionActions = new byte[w * h];
        if (WatermarkDeblender.Deblend(pixels, regionMask, w, h, rgb.Bands, lossy, regionActions) is not { } report || photo.Bands != rgb.Bands)
        {
            return (null, null);
        }

        if (actions is not null)
        {
            for (int y = 0; y < h; y++)
            {
                Array.Copy(regionActions, y * w, actions, ((top + y) * width) + left, w);
            }
        }

        using Image repaired = PixelImage.Wrap(pixels, w, h, rgb.Bands, rgb.Interpretation);
        return (photo.Insert(repaired, left, top), report);
    }

    /// <summary>
    /// Fills the mask from the region around it and inserts it back into the photo: Telea, or (asked for with model
    /// <c>exemplar</c>) the exemplar fill that copies the photo's texture (<see cref="ExemplarInpainter"/>, with an
    /// eighth of the photo's shorter side of context to copy from; Telea for holes only a few pixels wide).
    /// </summary>
    public static Image Inpaint(Image photo, byte[] mask, bool exemplar = false)
    {
        int width = photo.Width, height = photo.Height;
        if (MaskOps.Bounds(mask, width, height) is not { } box)
        {
            return photo.Copy();
        }

        (int left, int top, int w, int h) = Regions.Grow(box, exemplar ? Math.Max(Radius + 1, Math.Min(width, height) / 8) : Radius + 1, width, height);
        using Image region = photo.ExtractArea(left, top, w, h);
        byte[] pixels = region.WriteToMemory<byte>();
        byte[] regionMask = new byte[w * h];
        for (int y = 0; y < h; y++)
        {
            Array.Copy(mask, ((top + y) * width) + left, regionMask, y * w, w);
        }

        if (exemplar)
        {
            ExemplarInpainter.Inpaint(pixels, regionMask, w, h, region.Bands);
        }
        else
        {
            TeleaInpainter.Inpaint(pixels, regionMask, w, h, region.Bands, Radius);
        }
        using Image patch = PixelImage.Wrap(pixels, w, h, region.Bands, photo.Interpretation);
        return photo.Insert(patch, left, top);
    }
}
