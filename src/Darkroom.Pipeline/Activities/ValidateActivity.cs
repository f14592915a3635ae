using System.Diagnostics;
using Darkroom.Core.Errors;
using Darkroom.Core.Images;
using Darkroom.Core.Ports;
using Darkroom.Core.Workflow;
using Darkroom.Imaging;

namespace Darkroom.Pipeline.Activities;

/// <summary>Checks the stored upload (and background) against the limits, whichever way it arrived.</summary>
public sealed class ValidateActivity(IArtifactStore artifacts, ImageProbe probe) : IActivity<ValidateRequest, ValidateResult>
{
    public async Task<ValidateResult> RunAsync(ValidateRequest request, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        byte[] source = await artifacts.ReadRequiredAsync(request.SourceBlob, cancellationToken);
        ImageFacts facts = probe.Probe(source);
        if (request.BackgroundBlob is not null)
        {
            byte[] background = await artifacts.ReadRequiredAsync(request.BackgroundBlob, cancellationToken);
            try
            {
                probe.Probe(background, "background image");
            }
            catch (DarkroomException ex) when (ex.Status < 500)
            {
                throw new DarkroomException(ErrorCodes.BackgroundInvalid, ex.Status, ex.Message);
            }
        }

        return new ValidateResult(facts, stopwatch.ElapsedMilliseconds);
    }
}
