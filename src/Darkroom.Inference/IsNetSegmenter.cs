using System.Diagnostics;
using Darkroom.Core.Errors;
using Darkroom.Core.Jobs;
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
    public async Task<Segmentation> SegmentAsync(byte[] imageBytes, string? modelId, CancellationToken cancellationToken) =>
        (await SegmentWithInputAsync(imageBytes, modelId, cancellationToken)).Segmentation;

    /// <summary>
    /// The matte for a cut-out: the model on the whole photo, then, where <see cref="SecondPassAsync"/> finds one pays,
    /// the model again on a crop: on the sharp region when the subject the model chose is out of focus and something
    /// else is in focus, or on the subject's crop when it is small in a large photo (its box, with a margin, at most
    /// half the photo across and down, and the photo larger than the model's input there, so that a crop holds detail
    /// the first pass squeezed away) or when the model was unsure of it. The result is at the model's size, or larger when a second pass was made (the
    /// crop's matte is not scaled down); the caller scales it to the photo.
    /// </summary>
    /// <param name="cropPass">Whether the subject may get its crop's pass (not for previews, which would not show its detail and must stay fast); the pass on focus is always made where it pays, so a preview shows the same subject as the full result.</param>
    public async Task<Segmentation> SegmentSubjectAsync(byte[] imageBytes, string? modelId, CancellationToken cancellationToken, bool cropPass = true)
    {
        (Segmentation first, byte[] input) = await SegmentWithInputAsync(imageBytes, modelId, cancellationToken);
        CropPass? both;
        try
        {
            // libvips decodes lazily: when no crop is taken, only the header was read.
            using Image photo = ImageDecoder.DecodeUpright(imageBytes);
            both = await SecondPassAsync(photo, first.Matte, modelId, cancellationToken, input, cropPass);
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
        return new Segmentation(both.Matte, first.Model, first.Provider, both.Kind);
    }

    /// <summary>
    /// The second pass alone, for a photo (upright, decoded) whose first matte is known: the new matte and which pass
    /// made it, or null when no second pass pays. First a look at focus (<see cref="Focus"/>): when the outline of the
    /// subject the model chose is blurred, its inside mostly blurred too, and sharp edges gather elsewhere, the model
    /// runs again on the sharp region's crop, and that crop's matte alone is kept (nothing outside it) — if the subject
    /// it finds there has a sharp outline; otherwise the first matte stands. Else, when the subject is small in a large
    /// photo, or the model was unsure of it (a fifth or more of its matte grey, <see cref="SubjectCrop.GreyShare"/>) and
    /// its crop leaves out a tenth of the photo or more, the model runs again on its crop and the crop's matte is set into
    /// the first: a closer look, with less of what it hesitated over in view.
    /// </summary>
    /// <param name="modelInput">The photo as the first pass fed it to the model (RGB at the model's size), or null to make it again.</param>
    /// <param name="cropPass">Whether a pass on the subject's crop may be made (small or unsure; the pass on focus always may).</param>
    public async Task<CropPass?> SecondPassAsync(Image photo, Image firstMatte, string? modelId, CancellationToken cancellationToken, byte[]? modelInput = null, bool cropPass = true)
    {
        LoadedModel model = await sessions.GetAsync(modelId ?? DefaultModel, cancellationToken);
        int modelWidth = model.Spec.Input.Width, modelHeight = model.Spec.Input.Height;
        using Image flat = photo.HasAlpha() ? photo.Flatten(background: [255, 255, 255]) : photo.Copy();
        if (flat.Bands < 3)
        {
            // Decoded photos are sRGB; anything else keeps the first pass rather than feed the model a wrong tensor.
            return null;
        }

        byte[] input = modelInput ?? Squeeze(flat, modelWidth, modelHeight);
        if (FocusPass(model, flat, firstMatte, input) is { } focused)
        {
            return new CropPass(focused, SecondPasses.Focus);
        }

        if (!cropPass || SubjectCrop.Find(firstMatte) is not { } box)
        {
            return null;
        }

        (int Left, int Top, int Width, int Height)? small = SubjectCrop.Place(box, photo.Width, photo.Height, modelWidth, modelHeight);
        (int Left, int Top, int Width, int Height)? closer = small is null && SubjectCrop.GreyShare(MatteAt(firstMatte, modelWidth, modelHeight)) >= SubjectCrop.Unsure
            ? SubjectCrop.PlaceCloser(box, photo.Width, photo.Height)
            : null;
        if ((small ?? closer) is not { } crop)
        {
            return null;
        }

        using Image second = RunOnCrop(model, flat, crop);
        logger.SecondPass(crop.Left, crop.Top, crop.Width, crop.Height, small is not null ? "the subject is small in the photo" : "the model was unsure of its subject");
        return new CropPass(SubjectCrop.Combine(firstMatte, second, crop, photo.Width, photo.Height), SecondPasses.Crop);
    }

    /// <summary>The matte from a second pass on the sharp region when the first subject is out of focus and the new one is not; else null.</summary>
    private Image? FocusPass(LoadedModel model, Image flat, Image firstMatte, byte[] input)
    {
        int modelWidth = model.Spec.Input.Width, modelHeight = model.Spec.Input.Height;
        Focus.Sharpness sharpness = Focus.Measure(input, modelWidth, modelHeight);
        Focus.Reading before = sharpness.Read(MatteAt(firstMatte, modelWidth, modelHeight));
        if (!before.SubjectOutOfFocus(modelWidth, modelHeight) || before.SharpBox is not { } sharp)
        {
            return null;
        }

        (double Left, double Top, double Width, double Height) box = (sharp.Left / (double)modelWidth, sharp.Top / (double)modelHeight, sharp.Width / (double)modelWidth, sharp.Height / (double)modelHeight);
        (int Left, int Top, int Width, int Height) crop = SubjectCrop.Grow(box, flat.Width, flat.Height);
        if (crop.Width < 16 || crop.Height < 16)
        {
            // A photo a few dozen pixels across: no crop of it is worth a pass.
            return null;
        }

        using Image second = RunOnCrop(model, flat, crop);
        using Image black = Image.Black(firstMatte.Width, firstMatte.Height);
        using Image none = black.Cast(Enums.BandFormat.Uchar);
        Image focused = SubjectCrop.Combine(none, second, crop, flat.Width, flat.Height);
        Focus.Reading after = sharpness.Read(MatteAt(focused, modelWidth, modelHeight));
        bool sharper = after.Outline >= Focus.MinOutline && after.OutlineSharp >= Focus.InFocus;
        logger.FocusPass(crop.Left, crop.Top, crop.Width, crop.Height, sharper ? "kept it (its subject's outline is sharp)" : "kept the first (the crop's subject is not sharper)");
        if (sharper)
        {
            return focused;
        }

        focused.Dispose();
        return null;
    }

    /// <summary>The model on a crop of the photo (RGB, three bands or more), the crop squeezed to the model's input.</summary>
    private static Image RunOnCrop(LoadedModel model, Image flat, (int Left, int Top, int Width, int Height) crop)
    {
        using Image piece = flat.ExtractArea(crop.Left, crop.Top, crop.Width, crop.Height);
        return Run(model, Squeeze(piece, model.Spec.Input.Width, model.Spec.Input.Height));
    }

    /// <summary>An image's first three bands squeezed to a size, as RGB bytes.</summary>
    private static byte[] Squeeze(Image image, int width, int height)
    {
        using Image input = image.ThumbnailImage(width, height: height, size: Enums.Size.Force);
        using Image rgb = (input.Bands > 3 ? input.ExtractBand(0, n: 3) : input).Cast(Enums.BandFormat.Uchar);
        return rgb.WriteToMemory<byte>();
    }

    /// <summary>A matte's bytes at a size (one band).</summary>
    private static byte[] MatteAt(Image matte, int width, int height)
    {
        using Image sized = Matte.ToSize(matte, width, height);
        using Image band = sized.Bands > 1 ? sized.ExtractBand(0) : sized.Copy();
        return band.WriteToMemory<byte>();
    }

    private async Task<(Segmentation Segmentation, byte[] Input)> SegmentWithInputAsync(byte[] imageBytes, string? modelId, CancellationToken cancellationToken)
    {
        LoadedModel model = await sessions.GetAsync(modelId ?? DefaultModel, cancellationToken);
        if (model.Spec.Task != "segmentation")
        {
            throw Problems.InvalidOptions($"Model '{model.Spec.Id}' is a {model.Spec.Task} model, not a segmentation model.");
        }

        using Image input = ImageDecoder.DecodeForModel(imageBytes, model.Spec.Input.Width, model.Spec.Input.Height);
        byte[] rgb = input.WriteToMemory<byte>();
        return (new Segmentation(Run(model, rgb), model.Spec.Id, model.Provider), rgb);
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

/// <summary>A second pass's matte (one band, uchar) and which pass made it (<see cref="SecondPasses"/>).</summary>
public sealed record CropPass(Image Matte, string Kind) : IDisposable
{
    public void Dispose() => Matte.Dispose();
}

/// <summary>A matte (one band, uchar, the model's size or larger after a second pass) and what made it: the model, the provider, which second pass (<see cref="SecondPasses"/>) if any.</summary>
public sealed record Segmentation(Image Matte, string Model, string Provider, string? SecondPass = null) : IDisposable
{
    public void Dispose() => Matte.Dispose();
}
