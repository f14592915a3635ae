using System.Diagnostics;
using Darkroom.Core.Errors;
using Darkroom.Imaging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using NetVips;

namespace Darkroom.Inference;

/// <summary>
/// Salient-object segmentation with ISNet-style models: RGB squeezed to the model's square, normalised,
/// one output (the matte, a probability per pixel) fetched and returned as an 8-bit image at the model's size.
/// </summary>
public sealed class IsNetSegmenter(ModelSessions sessions, IOptions<InferenceOptions> options, ILogger<IsNetSegmenter> logger)
{
    public string DefaultModel => options.Value.DefaultSegmentationModel;

    /// <summary>The matte at the model's resolution; the caller scales it to the photo.</summary>
    public async Task<Segmentation> SegmentAsync(byte[] imageBytes, string? modelId, CancellationToken cancellationToken)
    {
        LoadedModel model = await sessions.GetAsync(modelId ?? DefaultModel, cancellationToken);
        if (model.Spec.Task != "segmentation")
        {
            throw Problems.InvalidOptions($"Model '{model.Spec.Id}' is a {model.Spec.Task} model, not a segmentation model.");
        }

        using Image input = ImageDecoder.DecodeForModel(imageBytes, model.Spec.Input.Width, model.Spec.Input.Height);
        byte[] rgb = input.WriteToMemory<byte>();
        return new Segmentation(Run(model, rgb), model.Spec.Id, model.Provider);
    }

    /// <summary>
    /// The matte for a cut-out: the model on the whole photo and, when the subject it found is small in a large photo
    /// (its box, with a margin, at most half the photo across and down, and the photo larger than the model's input so
    /// that a crop holds detail the first pass squeezed away), the model again on the subject's crop, its matte set into
    /// the first at the crop's place. The result is at the model's size, or larger when a second pass was made (the
    /// crop's matte is not scaled down); the caller scales it to the photo.
    /// </summary>
    public async Task<Segmentation> SegmentSubjectAsync(byte[] imageBytes, string? modelId, CancellationToken cancellationToken)
    {
        Segmentation first = await SegmentAsync(imageBytes, modelId, cancellationToken);
        Image? both;
        try
        {
            // libvips decodes lazily: when no crop is taken, only the header was read.
            using Image photo = ImageDecoder.DecodeUpright(imageBytes);
            both = await SecondPassAsync(photo, first.Matte, modelId, cancellationToken);
        }
        catch
        {
            first.Dispose();
            throw;
        }

        if (both is null)
        {
            return first;
        }

        first.Dispose();
        return new Segmentation(both, first.Model, first.Provider);
    }

    /// <summary>
    /// The second pass alone, for a photo (upright, decoded) whose first matte is known: the combined matte, or null
    /// when the subject is not small enough in the photo for a crop to show the model more of it.
    /// </summary>
    public async Task<Image?> SecondPassAsync(Image photo, Image firstMatte, string? modelId, CancellationToken cancellationToken)
    {
        LoadedModel model = await sessions.GetAsync(modelId ?? DefaultModel, cancellationToken);
        if (SubjectCrop.Find(firstMatte) is not { } box || SubjectCrop.Place(box, photo.Width, photo.Height, model.Spec.Input.Width, model.Spec.Input.Height) is not { } crop)
        {
            return null;
        }

        using Image flat = photo.HasAlpha() ? photo.Flatten(background: [255, 255, 255]) : photo.Copy();
        using Image piece = flat.ExtractArea(crop.Left, crop.Top, crop.Width, crop.Height);
        using Image input = piece.ThumbnailImage(model.Spec.Input.Width, height: model.Spec.Input.Height, size: Enums.Size.Force);
        using Image rgb = (input.Bands > 3 ? input.ExtractBand(0, n: 3) : input).Cast(Enums.BandFormat.Uchar);
        if (rgb.Bands != 3)
        {
            // Decoded photos are sRGB; anything else keeps the first pass rather than feed the model a wrong tensor.
            return null;
        }

        using Image second = Run(model, rgb.WriteToMemory<byte>());
        logger.SecondPass(crop.Left, crop.Top, crop.Width, crop.Height);
        return SubjectCrop.Combine(firstMatte, second, crop, photo.Width, photo.Height);
    }

    /// <summary>One inference on a mid-grey image, so the first real job does not pay for allocation and graph set-up.</summary>
    public async Task WarmUpAsync(string modelId, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        LoadedModel model = await sessions.GetAsync(modelId, cancellationToken);
        if (model.Spec.Task != "segmentation")
        {
            return;
        }

        byte[] grey = new byte[model.Spec.Input.Width * model.Spec.Input.Height * 3];
        Array.Fill(grey, (byte)128);
        using Image matte = Run(model, grey);
        logger.ModelWarmedUp(modelId, stopwatch.ElapsedMilliseconds);
    }

    private static Image Run(LoadedModel model, byte[] rgb)
    {
        ModelInputSpec spec = model.Spec.Input;
        int width = spec.Width, height = spec.Height;
        using OrtValue inputValue = Input(model, rgb);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = model.Run(runOptions, [spec.Name], [inputValue], [model.Spec.Output]);
        OrtValue output = outputs[0];
        if (!model.OutputIsHalf)
        {
            return Matte.FromProbabilities(output.GetTensorDataAsSpan<float>()[..(width * height)], width, height);
        }

        ReadOnlySpan<Float16> half = output.GetTensorDataAsSpan<Float16>();
        float[] probabilities = new float[width * height];
        for (int i = 0; i < probabilities.Length; i++)
        {
            probabilities[i] = (float)half[i];
        }

        return Matte.FromProbabilities(probabilities, width, height);
    }

    /// <summary>The input tensor: <see cref="ModelInput.Nchw"/>, or half-precision values for a float16 model.</summary>
    private static OrtValue Input(LoadedModel model, byte[] rgb)
    {
        ModelInputSpec spec = model.Spec.Input;
        if (!model.InputIsHalf)
        {
            return ModelInput.Nchw(rgb, spec.Width, spec.Height, spec.Normalization);
        }

        float[] values = new float[3 * spec.Width * spec.Height];
        TensorBuilder.ToNchw(rgb, spec.Width, spec.Height, spec.Normalization, values);
        return OrtValue.CreateTensorValueFromMemory(ToHalf(values), [1, 3, spec.Height, spec.Width]);
    }

    private static Float16[] ToHalf(ReadOnlySpan<float> values)
    {
        var half = new Float16[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            half[i] = (Float16)values[i];
        }

        return half;
    }
}

/// <summary>A matte (one band, uchar, the model's size) and what made it.</summary>
public sealed record Segmentation(Image Matte, string Model, string Provider) : IDisposable
{
    public void Dispose() => Matte.Dispose();
}
