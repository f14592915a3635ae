using System.Diagnostics;
using Darkroom.Core.Jobs;
using Darkroom.Core.Options;
using Darkroom.Core.Ports;
using Darkroom.Core.Workflow;
using Darkroom.Imaging;
using NetVips;

namespace Darkroom.Pipeline.Activities;

/// <summary>
/// A cut-out's classify stage: decides the subject type and so the route. A type asked for is taken as given
/// (confidence 1); <c>graphic</c> is keyed out by the border's colour. <c>auto</c> looks at the border: when at least
/// <see cref="BorderKey.FlatShare"/> of it is one colour the photo is a graphic (confidence = that share); otherwise it
/// is a graphic when also at least <see cref="BorderKey.GraphicPalette"/> of the rest is a few flat colours; a flat
/// border around a many-coloured subject is a product on a seamless background, for the model (keying it would open
/// holes wherever the subject has the background's colour); anything else is a photo for the model (person and
/// animal are not told apart without a detector installed).
/// </summary>
public sealed class SubjectActivity(IArtifactStore artifacts) : IActivity<SubjectRequest, SubjectResult>
{
    public async Task<SubjectResult> RunAsync(SubjectRequest request, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        byte[] source = await artifacts.ReadRequiredAsync(request.SourceBlob, cancellationToken);
        using Image photo = ImageDecoder.DecodeUpright(source);
        BorderKey.Border border = BorderKey.Analyse(photo);
        int[] key = [border.Red, border.Green, border.Blue];
        string share = $"{border.Share:P0} of the border is one colour (#{border.Red:x2}{border.Green:x2}{border.Blue:x2})";
        string palette = $"; {border.PaletteShare:P0} of the rest in {BorderKey.PaletteColours} colours";
        CutoutSubject subject = request.Requested switch
        {
            SubjectType.Graphic => new CutoutSubject(SubjectType.Graphic, 1, CutoutSubject.Key, "asked for; " + share, key, border.Noise),
            SubjectType.Auto when border.Graphic => new CutoutSubject(SubjectType.Graphic, Math.Round(Math.Min(border.Share, border.PaletteShare), 3), CutoutSubject.Key, share + palette, key, border.Noise),
            SubjectType.Auto when border.Flat => new CutoutSubject(SubjectType.Product, Math.Round(border.Share * (1 - border.PaletteShare), 3), CutoutSubject.Model, share + palette + ": a photographed subject on a seamless background"),
            SubjectType.Auto => new CutoutSubject(SubjectType.Photo, Math.Round(1 - border.Share, 3), CutoutSubject.Model, share + ": not a flat background"),
            _ => new CutoutSubject(request.Requested, 1, CutoutSubject.Model, "asked for"),
        };
        return new SubjectResult(subject, stopwatch.ElapsedMilliseconds);
    }
}
