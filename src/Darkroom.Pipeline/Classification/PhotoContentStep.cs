using Darkroom.Core.Classification;
using Darkroom.Inference;
using Microsoft.Extensions.Options;

namespace Darkroom.Pipeline.Classification;

/// <summary>
/// The local photo step (<c>photo</c>): the COCO object detector and the ImageNet classifier from the model catalog,
/// decided by <see cref="PhotoContentRules"/>. Either model alone is used when only it is installed; with neither,
/// the step passes and says which files to install.
/// </summary>
public sealed class PhotoContentStep(PhotoModels models, IOptions<ClassifyOptions> options) : IClassifierStep
{
    public const string Version = "1";

    public string Name => "photo";

    public string Method => ClassifyMethods.Local;

    public async Task<StepOutcome> ClassifyAsync(ClassifierInput input, CancellationToken cancellationToken)
    {
        ClassifyOptions o = options.Value;
        bool hasDetector = models.IsInstalled(o.DetectorModel), hasClassifier = models.IsInstalled(o.ImageNetModel);
        if (!hasDetector && !hasClassifier)
        {
            return StepOutcome.Pass(MissingModels(o));
        }

        IReadOnlyList<Detection>? objects = hasDetector
            ? await models.DetectAsync(input.Upright, o.DetectorModel, PhotoContentRules.MinObjectScore, cancellationToken)
            : null;
        float[]? imageNet = hasClassifier ? await models.ClassifyAsync(input.Upright, o.ImageNetModel, cancellationToken) : null;
        string used = string.Join("+", new[] { hasDetector ? o.DetectorModel : null, hasClassifier ? o.ImageNetModel : null }.OfType<string>());
        if (PhotoContentRules.Decide(objects, imageNet, input.Upright.Width, input.Upright.Height) is not { } decision)
        {
            return StepOutcome.Pass($"{used}: no person, pet, food or scenery found");
        }

        return new StepOutcome(new ClassifierVerdict(decision.Category, Math.Round(decision.Confidence, 3), decision.Description, used, Version), $"{used}: {decision.Confidence:0.00}");
    }

    /// <summary>What to install for this step, named by catalog file.</summary>
    public string MissingModels(ClassifyOptions o) =>
        $"the photo models are not installed: put {FileOf(o.DetectorModel)} and {FileOf(o.ImageNetModel)} (OpenCV model zoo, Apache-2.0) in the model directory, " +
        "or run `node scripts/install-models.mjs` where github.com is reachable";

    private string FileOf(string modelId)
    {
        try
        {
            return models.Spec(modelId).File;
        }
        catch (Core.Errors.DarkroomException)
        {
            return $"'{modelId}' (not in the catalog)";
        }
    }
}
