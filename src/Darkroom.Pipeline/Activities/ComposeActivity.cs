using System.Diagnostics;
using Darkroom.Core.Images;
using Darkroom.Core.Jobs;
using Darkroom.Core.Ports;
using Darkroom.Core.Workflow;
using Darkroom.Imaging;
using Microsoft.Extensions.Options;
using NetVips;

namespace Darkroom.Pipeline.Activities;

/// <summary>Decodes the photo once at full resolution, scales the matte to it, builds and encodes the result.</summary>
public sealed class ComposeActivity(IArtifactStore artifacts, IOptions<ImagingOptions> imaging) : IActivity<ComposeRequest, ComposeResult>
{
    public async Task<ComposeResult> RunAsync(ComposeRequest request, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        byte[] source = await artifacts.ReadRequiredAsync(request.SourceBlob, cancellationToken);
        byte[] matteBytes = await artifacts.ReadRequiredAsync(request.MatteBlob, cancellationToken);
        byte[]? backgroundBytes = request.BackgroundBlob is null ? null : await artifacts.ReadRequiredAsync(request.BackgroundBlob, cancellationToken);

        (byte[] encoded, int width, int height) = Render(source, matteBytes, backgroundBytes, request);
        OutputFormat format = request.Options.Format;
        string resultBlob = ArtifactPaths.Result(request.Tenant, request.JobId, format.Extension());
        await artifacts.PutAsync(resultBlob, encoded, format.ContentType(), cancellationToken);
        return new ComposeResult(new JobResult(resultBlob, format.ContentType(), encoded.LongLength, width, height), stopwatch.ElapsedMilliseconds);
    }

    private (byte[] Encoded, int Width, int Height) Render(byte[] source, byte[] matteBytes, byte[]? backgroundBytes, ComposeRequest request)
    {
        using Image photo = ImageDecoder.DecodeUpright(source);
        using Image small = Image.NewFromBuffer(matteBytes);
        using Image matte = Matte.ToSize(small, photo.Width, photo.Height);
        using Image? background = backgroundBytes is null ? null : ImageDecoder.DecodeUpright(backgroundBytes, "background image");
        using Image result = Compositor.Compose(photo, matte, request.Options, background);
        byte[] encoded = ImageEncoder.Encode(result, request.Options.Format, request.Options.Quality, imaging.Value.PngCompression);
        return (encoded, result.Width, result.Height);
    }
}
