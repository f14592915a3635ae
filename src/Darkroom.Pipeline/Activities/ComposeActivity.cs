using System.Diagnostics;
using Darkroom.Core.Images;
using Darkroom.Core.Jobs;
using Darkroom.Core.Options;
using Darkroom.Core.Ports;
using Darkroom.Core.Workflow;
using Darkroom.Imaging;
using Microsoft.Extensions.Options;
using NetVips;

namespace Darkroom.Pipeline.Activities;

/// <summary>
/// Decodes the photo once at full resolution, scales the matte to it, builds and encodes the result; on the key
/// route the subject's own edge colours (from segment) stand in for the photo's mixed ones. The result says which
/// subject type and route the classify stage chose.
/// </summary>
public sealed class ComposeActivity(IArtifactStore artifacts, IOptions<ImagingOptions> imaging) : IActivity<ComposeRequest, ComposeResult>
{
    public async Task<ComposeResult> RunAsync(ComposeRequest request, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        byte[] source = await artifacts.ReadRequiredAsync(request.SourceBlob, cancellationToken);
        byte[] matteBytes = await artifacts.ReadRequiredAsync(request.MatteBlob, cancellationToken);
        byte[]? backgroundBytes = request.BackgroundBlob is null ? null : await artifacts.ReadRequiredAsync(request.BackgroundBlob, cancellationToken);
        byte[]? foregroundBytes = request.ForegroundBlob is null ? null : await artifacts.ReadRequiredAsync(request.ForegroundBlob, cancellationToken);

        (byte[] encoded, int width, int height, ForegroundBox? box) = Render(source, matteBytes, backgroundBytes, foregroundBytes, request);
        OutputFormat format = request.Options.Format;
        string resultBlob = ArtifactPaths.Result(request.Tenant, request.JobId, format.Extension());
        await artifacts.PutAsync(resultBlob, encoded, format.ContentType(), cancellationToken);
        return new ComposeResult(new JobResult(resultBlob, format.ContentType(), encoded.LongLength, width, height, Subject: request.Subject, Foreground: box), stopwatch.ElapsedMilliseconds);
    }

    private (byte[] Encoded, int Width, int Height, ForegroundBox? Box) Render(byte[] source, byte[] matteBytes, byte[]? backgroundBytes, byte[]? foregroundBytes, ComposeRequest request)
    {
        using Image decoded = ImageDecoder.DecodeUpright(source);

        // A key's edge colours replace the photo's mixed ones (alpha, if the photo had one, is kept).
        using Image? keyColours = foregroundBytes is null ? null : Image.NewFromBuffer(foregroundBytes);
        using Image photo = keyColours is null ? decoded.Copy() : WithAlphaOf(keyColours, decoded);
        using Image small = Image.NewFromBuffer(matteBytes);
        // A preview's matte is scaled straight to the preview's size (compose scales the photo to match).
        (int width, int height) = request.Options.Size == CutoutSize.Preview ? CutoutSizes.Preview(photo.Width, photo.Height) : (photo.Width, photo.Height);
        using Image scaledMatte = Matte.ToSize(small, width, height);
        using Image? background = backgroundBytes is null ? null : ImageDecoder.DecodeUpright(backgroundBytes, "background image");

        // The model's matte is refined at the output's resolution: its band solved again against the photo, its
        // interior made opaque, and the subject's own colours estimated where it is partly transparent.
        (Image matte, Image subject) = foregroundBytes is null && imaging.Value.RefineEdges
            ? Refine(photo, scaledMatte, width, height, request.Subject?.Type ?? SubjectType.Photo)
            : (scaledMatte.Copy(), photo.Copy());
        using Image refinedMatte = matte;
        using Image subjectColours = subject;
        using Image result = Compositor.Compose(subjectColours, refinedMatte, request.Options, background);
        byte[] encoded = ImageEncoder.Encode(result, request.Options.Format, request.Options.Quality, imaging.Value.PngCompression);
        ForegroundBox? box = Compositor.SubjectBox(refinedMatte) is { } b ? new ForegroundBox(b.Left, b.Top, b.Width, b.Height) : null;
        return (encoded, result.Width, result.Height, box);
    }

    /// <summary>The refined alpha and the subject's colours at width x height (the photo's alpha band, if any, kept).</summary>
    private static (Image Alpha, Image Colour) Refine(Image photo, Image matte, int width, int height, SubjectType type)
    {
        using Image sized = Matte.ToSize(photo, width, height);
        (Image alpha, Image colour) = MatteRefiner.Refine(sized, matte, MatteRefiner.For(type, width, height));
        using (colour)
        {
            return (alpha, WithAlphaOf(colour, sized));
        }
    }

    /// <summary>Subject colours (three bands) with the photo's own alpha band joined on when it has one.</summary>
    private static Image WithAlphaOf(Image colours, Image photo)
    {
        if (!photo.HasAlpha())
        {
            return colours.Copy(interpretation: Enums.Interpretation.Srgb);
        }

        using Image sourceAlpha = photo.ExtractBand(photo.Bands - 1);
        using Image joined = colours.Bandjoin(sourceAlpha);
        return joined.Copy(interpretation: Enums.Interpretation.Srgb);
    }
}
