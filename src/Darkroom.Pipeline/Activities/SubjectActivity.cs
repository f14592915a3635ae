using System.Diagnostics;
using Darkroom.Core.Jobs;
using Darkroom.Core.Options;
using Darkroom.Core.Ports;
using Darkroom.Core.Workflow;
using Darkroom.Imaging;
using Darkroom.Inference;
using Darkroom.Pipeline.Classification;
using Microsoft.Extensions.Options;
using NetVips;

namespace Darkroom.Pipeline.Activities;

/// <summary>
/// A cut-out's classify stage: decides the subject type and so the route. A type asked for is taken as given
/// (confidence 1); <c>graphic</c> is keyed out by the border's colour. <c>auto</c> looks at the border: when at least
/// <see cref="BorderKey.FlatShare"/> of it is one colour the photo is a graphic (confidence = that share); otherwise it
/// is a graphic when also at least <see cref="BorderKey.GraphicPalette"/> of the rest is a few flat colours; a flat
/// border around a many-coloured subject is a product on a seamless background, for the model (keying it would open
/// holes wherever the subject has the background's colour); anything else goes to the model, and when the COCO
/// detector is installed (<c>Darkroom:Classify:DetectorModel</c>) its most prominent object names the type: a person
/// → <c>person</c>, an animal → <c>animal</c>, any other object → <c>product</c>; with no detector (or nothing found
/// prominent) it stays <c>photo</c>.
/// </summary>
public sealed class SubjectActivity(IArtifactStore artifacts, PhotoModels models, IOptions<ClassifyOptions> classify) : IActivity<SubjectRequest, SubjectResult>
{
    /// <summary>An object smaller than this share of the photo is not the subject.</summary>
    public const double ProminentShare = 0.05;

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
            SubjectType.Auto => await DetectedAsync(photo, cancellationToken)
                ?? new CutoutSubject(SubjectType.Photo, Math.Round(1 - border.Share, 3), CutoutSubject.Model, share + ": not a flat background"),
            _ => new CutoutSubject(request.Requested, 1, CutoutSubject.Model, "asked for"),
        };
        return new SubjectResult(subject, stopwatch.ElapsedMilliseconds);
    }

    /// <summary>The type the detector's most prominent object gives, or null when no detector is installed or nothing is prominent.</summary>
    private async Task<CutoutSubject?> DetectedAsync(Image photo, CancellationToken cancellationToken)
    {
        string detector = classify.Value.DetectorModel;
        if (!models.IsInstalled(detector))
        {
            return null;
        }

        using Image small = photo.ThumbnailImage(1024, height: 1024, size: Enums.Size.Down);
        using Image rgb = (small.Bands >= 3 ? small.ExtractBand(0, n: 3) : small.Colourspace(Enums.Interpretation.Srgb)).Cast(Enums.BandFormat.Uchar);
        IReadOnlyList<Detection> found = await models.DetectAsync(rgb, detector, Classification.PhotoContentRules.MinObjectScore, cancellationToken);
        double area = (double)rgb.Width * rgb.Height;
        if (found.Where(d => d.Area / area >= ProminentShare).MaxBy(d => d.Area * d.Score) is not { } top)
        {
            return null;
        }

        SubjectType type = top.ClassId == CocoClasses.Person ? SubjectType.Person : CocoClasses.IsAnimal(top.ClassId) ? SubjectType.Animal : SubjectType.Product;
        return new CutoutSubject(type, Math.Round(top.Score, 3), CutoutSubject.Model, $"{detector}: a {top.Label} over {top.Area / area:P0} of the photo");
    }
}
