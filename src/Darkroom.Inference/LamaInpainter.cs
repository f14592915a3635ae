using System.Buffers;
using System.Collections.Concurrent;
using Darkroom.Core.Errors;
using Darkroom.Core.Options;
using Darkroom.Imaging;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using NetVips;

namespace Darkroom.Inference;

/// <summary>
/// LaMa-style inpainting (image + mask in at a fixed square size, image out). The region given to the model
/// follows the HD strategy: <c>crop</c> a margin around the mask, <c>resize</c> or <c>original</c> the whole
/// photo. The region is scaled (aspect kept, never up) and edge-padded to the model's square; the answer is
/// scaled back and blended in only inside the mask, feathered at its edge, so pixels outside the mask stay
/// byte-identical.
/// </summary>
public sealed class LamaInpainter(ModelSessions sessions, ILogger<LamaInpainter> logger)
{
    /// <summary>Context kept around the mask for the crop strategy, in pixels.</summary>
    public const int CropMargin = 128;

    private readonly ConcurrentDictionary<string, string?> _problems = new(StringComparer.Ordinal);

    /// <summary>
    /// Installed and usable: in the catalog, its file present, and the file passes <see cref="Problem"/> (checked
    /// once per file version; the model warm-up checks the configured one at start).
    /// </summary>
    public bool IsInstalled(string modelId) =>
        sessions.Catalog.Contains(modelId) && File.Exists(sessions.ModelPath(sessions.Catalog.Get(modelId))) && Problem(modelId) is null;

    /// <summary>
    /// Why an installed file cannot serve as the catalog's LaMa, or null when it can: its hash, its inputs (the
    /// catalog's image and mask names, 1x3xHxW and 1x1xHxW at the catalog's size or dynamic), its output name, and
    /// its output range, from one run on mid-grey with a hole (the output times the catalog's scale must stay within
    /// 0–255 and come back near grey, so a [0, 1] model described as [0, 255] or the reverse is caught).
    /// </summary>
    public string? Problem(string modelId)
    {
        ModelSpec spec = sessions.Catalog.Get(modelId);
        var file = new FileInfo(sessions.ModelPath(spec));
        if (!file.Exists)
        {
            return $"{file.FullName} is missing";
        }

        string key = $"{modelId}|{file.Length}|{file.LastWriteTimeUtc.Ticks}";
        return _problems.GetOrAdd(key, _ =>
        {
            string? problem = Check(modelId);
            if (problem is not null)
            {
                logger.LamaRefused(modelId, problem);
            }

            return problem;
        });
    }

    private string? Check(string modelId)
    {
        LoadedModel model;
        try
        {
            model = sessions.GetAsync(modelId, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is DarkroomException or OnnxRuntimeException)
        {
            return ex.Message;
        }

        ModelSpec spec = model.Spec;
        int size = spec.Input.Width;
        if (spec.ExtraInputs.Length != 1)
        {
            return "the catalog must name exactly one extra input (the mask)";
        }

        // The names are there: loading refuses a file that lacks the catalog's inputs or output (ModelSessions).
        foreach ((string name, int channels) in new[] { (spec.Input.Name, 3), (spec.ExtraInputs[0], 1) })
        {
            int[] dims = model.Session.InputMetadata[name].Dimensions;
            if (dims.Length != 4 || !Fits(dims[0], 1) || !Fits(dims[1], channels) || !Fits(dims[2], spec.Input.Height) || !Fits(dims[3], size))
            {
                return $"input '{name}' is [{string.Join(", ", dims)}], not [1, {channels}, {spec.Input.Height}, {size}]";
            }
        }

        byte[] grey = new byte[size * size * 3];
        Array.Fill(grey, (byte)128);
        byte[] hole = new byte[size * size];
        for (int y = size * 3 / 8; y < size * 5 / 8; y++)
        {
            Array.Fill(hole, (byte)255, (y * size) + (size * 3 / 8), size / 4);
        }

        float[] raw;
        try
        {
            raw = RunRaw(model, grey, hole, size);
        }
        catch (OnnxRuntimeException ex)
        {
            return $"a test run failed: {ex.Message}";
        }

        double scale = spec.OutputScale, mean = 0, min = double.MaxValue, max = double.MinValue;
        foreach (float v in raw)
        {
            double value = v * scale;
            mean += value;
            min = Math.Min(min, value);
            max = Math.Max(max, value);
        }

        mean /= raw.Length;
        return double.IsFinite(mean) && min >= -16 && max <= 271 && mean is >= 64 and <= 192
            ? null
            : $"on mid-grey its output times the catalog's scale {scale} spans {min:0.##}..{max:0.##} (mean {mean:0.##}), not about 128 within 0..255: the catalog's output range does not match the file";
    }

    private static bool Fits(int dimension, int expected) => dimension <= 0 || dimension == expected;

    /// <param name="photo">Upright sRGB uchar, three or four bands (alpha passes through).</param>
    /// <param name="mask">One byte a pixel, the photo's size; non-zero = fill.</param>
    public async Task<Image> InpaintAsync(Image photo, byte[] mask, HdStrategy strategy, string modelId, CancellationToken cancellationToken)
    {
        LoadedModel model = await sessions.GetAsync(modelId, cancellationToken);
        int width = photo.Width, height = photo.Height;
        if (MaskOps.Bounds(mask, width, height) is not { } box)
        {
            return photo.Copy();
        }

        (int left, int top, int w, int h) = strategy == HdStrategy.Crop
            ? Regions.Grow(box, CropMargin, width, height)
            : (0, 0, width, height);
        int size = model.Spec.Input.Width;
        double scale = Math.Min(1.0, (double)size / Math.Max(w, h));
        int sw = Math.Max(1, (int)Math.Round(w * scale)), sh = Math.Max(1, (int)Math.Round(h * scale));

        using Image region = photo.ExtractArea(left, top, w, h);
        using Image rgb = region.Bands > 3 ? region.ExtractBand(0, n: 3) : region.Copy();
        using Image maskImage = MaskOps.ToImage(mask, width, height);
        using Image regionMask = maskImage.ExtractArea(left, top, w, h);
        using Image smallRgb = Regions.ToExactSize(rgb, sw, sh, Enums.Kernel.Lanczos3).Gravity(Enums.CompassDirection.NorthWest, size, size, extend: Enums.Extend.Copy);
        using Image smallMask = Regions.ToExactSize(regionMask, sw, sh, Enums.Kernel.Nearest).Gravity(Enums.CompassDirection.NorthWest, size, size, extend: Enums.Extend.Black);

        byte[] filled = Run(model, smallRgb.WriteToMemory<byte>(), smallMask.WriteToMemory<byte>(), size);
        using Image answer = Image.NewFromMemory(filled, size, size, 3, Enums.BandFormat.Uchar);
        using Image cropped = answer.ExtractArea(0, 0, sw, sh);
        using Image patch = Regions.ToExactSize(cropped, w, h, Enums.Kernel.Lanczos3);
        using Image blended = Blend(rgb, patch, regionMask);
        using Image withAlpha = region.Bands > 3 ? blended.Bandjoin(region.ExtractBand(3, n: region.Bands - 3)) : blended.Copy();
        using Image typed = withAlpha.Copy(interpretation: photo.Interpretation);
        return photo.Insert(typed, left, top);
    }

    private static byte[] Run(LoadedModel model, byte[] rgb, byte[] mask, int size)
    {
        int plane = size * size;
        float[] output = RunRaw(model, rgb, mask, size);
        byte[] pixels = new byte[3 * plane];
        float outputScale = model.Spec.OutputScale;
        for (int c = 0; c < 3; c++)
        {
            for (int i = 0; i < plane; i++)
            {
                float v = (output[(c * plane) + i] * outputScale) + 0.5f;
                pixels[(i * 3) + c] = v <= 0 ? (byte)0 : v >= 255 ? (byte)255 : (byte)v;
            }
        }

        return pixels;
    }

    /// <summary>The model's output as it comes (3 planes of size x size), for an interleaved RGB image and a mask.</summary>
    private static float[] RunRaw(LoadedModel model, byte[] rgb, byte[] mask, int size)
    {
        int plane = size * size;
        float[] image = ArrayPool<float>.Shared.Rent(3 * plane);
        float[] holes = ArrayPool<float>.Shared.Rent(plane);
        try
        {
            TensorBuilder.ToNchw(rgb, size, size, model.Spec.Input.Normalization, image);
            for (int i = 0; i < plane; i++)
            {
                holes[i] = mask[i] != 0 ? 1f : 0f;
            }

            using OrtValue imageValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, image.AsMemory(0, 3 * plane), [1, 3, size, size]);
            using OrtValue maskValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, holes.AsMemory(0, plane), [1, 1, size, size]);
            using var runOptions = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> outputs = model.Run(
                runOptions, [model.Spec.Input.Name, model.Spec.ExtraInputs[0]], [imageValue, maskValue], [model.Spec.Output]);
            return outputs[0].GetTensorDataAsSpan<float>()[..(3 * plane)].ToArray();
        }
        finally
        {
            ArrayPool<float>.Shared.Return(image);
            ArrayPool<float>.Shared.Return(holes);
        }
    }

    /// <summary>original × (1 − a) + patch × a, with a = the mask softened at its edge and zero outside it.</summary>
    private static Image Blend(Image original, Image patch, Image mask)
    {
        using Image soft = mask.Gaussblur(1.5);
        using Image inside = mask > 0;
        using Image alpha = (soft * (inside / 255.0)) / 255.0;
        using Image mixed = (original * (1.0 - alpha)) + (patch * alpha);
        using Image rounded = mixed.Round(Enums.OperationRound.Rint);
        return rounded.Cast(Enums.BandFormat.Uchar);
    }
}
