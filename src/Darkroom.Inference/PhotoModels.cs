using Darkroom.Core.Errors;
using Darkroom.Imaging;
using Microsoft.ML.OnnxRuntime;
using NetVips;

namespace Darkroom.Inference;

/// <summary>One object found in a photo: its COCO class, score (objectness × class probability) and box in the photo's pixels.</summary>
public sealed record Detection(int ClassId, string Label, float Score, float Left, float Top, float Width, float Height)
{
    public float Area => Width * Height;

    public float Right => Left + Width;

    public float Bottom => Top + Height;

    /// <summary>Intersection over union of two boxes.</summary>
    public float IoU(Detection other)
    {
        float w = Math.Min(Right, other.Right) - Math.Max(Left, other.Left);
        float h = Math.Min(Bottom, other.Bottom) - Math.Max(Top, other.Top);
        if (w <= 0 || h <= 0)
        {
            return 0;
        }

        float intersection = w * h;
        return intersection / (Area + other.Area - intersection);
    }
}

/// <summary>
/// YOLOX as the OpenCV model zoo exports it: RGB letterboxed into a square (top-left, the rest grey 114), raw 0–255
/// values, one output of N × (5 + classes) rows — for each anchor of the stride 8, 16 and 32 grids in turn, row-major:
/// centre offsets in grid cells, log width and height in strides, objectness, class probabilities.
/// </summary>
public static class Yolox
{
    public static readonly int[] Strides = [8, 16, 32];

    public const byte PadValue = 114;

    /// <summary>The anchors a square input of this size has (8400 at 640).</summary>
    public static int Anchors(int size) => Strides.Sum(s => (size / s) * (size / s));

    /// <summary>The photo scaled (aspect kept) into the model's square at the top-left, padded grey; and the scale used.</summary>
    public static (byte[] Rgb, double Ratio) Letterbox(Image photo, int size)
    {
        double ratio = Math.Min((double)size / photo.Width, (double)size / photo.Height);
        int w = Math.Clamp((int)(photo.Width * ratio), 1, size), h = Math.Clamp((int)(photo.Height * ratio), 1, size);
        using Image rgb = photo.Bands > 3 ? photo.ExtractBand(0, n: 3) : photo.Copy();
        using Image scaled = Regions.ToExactSize(rgb, w, h, Enums.Kernel.Linear);
        using Image padded = scaled.Embed(0, 0, size, size, extend: Enums.Extend.Background, background: [PadValue, PadValue, PadValue]);
        using Image bytes = padded.Cast(Enums.BandFormat.Uchar);
        return (bytes.WriteToMemory<byte>(), ratio);
    }

    /// <summary>Boxes above <paramref name="minScore"/>, in the photo's pixels (divided by the letterbox ratio, clipped to the photo).</summary>
    public static List<Detection> Decode(ReadOnlySpan<float> output, int size, IReadOnlyList<string> labels, double ratio, int photoWidth, int photoHeight, float minScore)
    {
        int classes = labels.Count, row = 5 + classes;
        if (output.Length < Anchors(size) * row)
        {
            throw new ArgumentException($"A YOLOX output for {size}x{size} and {classes} classes has {Anchors(size) * row} values, not {output.Length}.");
        }

        var found = new List<Detection>();
        int anchor = 0;
        foreach (int stride in Strides)
        {
            int cells = size / stride;
            for (int gy = 0; gy < cells; gy++)
            {
                for (int gx = 0; gx < cells; gx++, anchor++)
                {
                    ReadOnlySpan<float> r = output.Slice(anchor * row, row);
                    float objectness = r[4];
                    if (objectness < minScore)
                    {
                        continue;
                    }

                    int best = 0;
                    for (int c = 1; c < classes; c++)
                    {
                        if (r[5 + c] > r[5 + best])
                        {
                            best = c;
                        }
                    }

                    float score = objectness * r[5 + best];
                    if (score < minScore)
                    {
                        continue;
                    }

                    double cx = (r[0] + gx) * stride, cy = (r[1] + gy) * stride;
                    double w = Math.Exp(Math.Min(r[2], 10)) * stride, h = Math.Exp(Math.Min(r[3], 10)) * stride;
                    double left = Math.Clamp((cx - (w / 2)) / ratio, 0, photoWidth), top = Math.Clamp((cy - (h / 2)) / ratio, 0, photoHeight);
                    double right = Math.Clamp((cx + (w / 2)) / ratio, 0, photoWidth), bottom = Math.Clamp((cy + (h / 2)) / ratio, 0, photoHeight);
                    if (right > left && bottom > top)
                    {
                        found.Add(new Detection(best, labels[best], score, (float)left, (float)top, (float)(right - left), (float)(bottom - top)));
                    }
                }
            }
        }

        return found;
    }

    /// <summary>Greedy non-maximum suppression per class: a box overlapping a better one of its class by more than <paramref name="maxIoU"/> goes.</summary>
    public static List<Detection> Suppress(IEnumerable<Detection> detections, float maxIoU)
    {
        var kept = new List<Detection>();
        foreach (Detection d in detections.OrderByDescending(d => d.Score))
        {
            if (!kept.Any(k => k.ClassId == d.ClassId && k.IoU(d) > maxIoU))
            {
                kept.Add(d);
            }
        }

        return kept;
    }
}

/// <summary>The 80 COCO class names in the order detectors trained on COCO number them.</summary>
public static class CocoClasses
{
    public static IReadOnlyList<string> Names { get; } =
    [
        "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light", "fire hydrant",
        "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe",
        "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite", "baseball bat",
        "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle", "wine glass", "cup", "fork", "knife", "spoon", "bowl",
        "banana", "apple", "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch",
        "potted plant", "bed", "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard", "cell phone", "microwave",
        "oven", "toaster", "sink", "refrigerator", "book", "clock", "vase", "scissors", "teddy bear", "hair drier", "toothbrush",
    ];

    public const int Person = 0;
    public const int Cat = 15;
    public const int Dog = 16;

    /// <summary>bird … giraffe: COCO's animals.</summary>
    public static bool IsAnimal(int classId) => classId is >= 14 and <= 23;

    /// <summary>banana … cake: the food items COCO labels.</summary>
    public static bool IsFood(int classId) => classId is >= 46 and <= 55;
}

/// <summary>
/// The photo-content models of the local classifier step: a COCO object detector (YOLOX) and an ImageNet classifier
/// (MobileNetV2), each checked on first use against the signature the adapter needs, so a file the catalog describes
/// wrongly is refused with what it has instead of failing mid-answer.
/// </summary>
public sealed class PhotoModels(ModelSessions sessions)
{
    public const int ImageNetClasses = 1000;

    /// <summary>Whether the catalog knows the model and its file is in the model directory (the hash is checked on load).</summary>
    public bool IsInstalled(string modelId) =>
        sessions.Catalog.Contains(modelId) && File.Exists(sessions.ModelPath(sessions.Catalog.Get(modelId)));

    public ModelSpec Spec(string modelId) => sessions.Catalog.Get(modelId);

    /// <summary>Objects in the photo (upright sRGB uchar), after class-wise suppression.</summary>
    public async Task<IReadOnlyList<Detection>> DetectAsync(Image photo, string modelId, float minScore, CancellationToken cancellationToken)
    {
        LoadedModel model = await sessions.GetAsync(modelId, cancellationToken);
        int size = model.Spec.Input.Width;
        RequireShape(model, model.Spec.Input.Name, [1, 3, size, size], isInput: true);
        RequireShape(model, model.Spec.Output, [1, Yolox.Anchors(size), 5 + CocoClasses.Names.Count], isInput: false);
        (byte[] rgb, double ratio) = Yolox.Letterbox(photo, size);
        float[] output = Run(model, rgb, size, size);
        return Yolox.Suppress(Yolox.Decode(output, size, CocoClasses.Names, ratio, photo.Width, photo.Height, minScore), 0.5f);
    }

    /// <summary>
    /// ImageNet class probabilities: the photo squashed to 256×256 and its centre 224×224 (the zoo's preprocessing),
    /// normalised as the catalog says; a softmax is applied unless the model already outputs probabilities.
    /// </summary>
    public async Task<float[]> ClassifyAsync(Image photo, string modelId, CancellationToken cancellationToken)
    {
        LoadedModel model = await sessions.GetAsync(modelId, cancellationToken);
        int size = model.Spec.Input.Width, resized = size * 8 / 7, offset = (resized - size) / 2;
        RequireShape(model, model.Spec.Input.Name, [1, 3, size, size], isInput: true);
        RequireShape(model, model.Spec.Output, [1, ImageNetClasses], isInput: false);
        using Image rgb = photo.Bands > 3 ? photo.ExtractBand(0, n: 3) : photo.Copy();
        using Image squashed = Regions.ToExactSize(rgb, resized, resized, Enums.Kernel.Linear);
        using Image centre = squashed.ExtractArea(offset, offset, size, size);
        using Image bytes = centre.Cast(Enums.BandFormat.Uchar);
        float[] output = Run(model, bytes.WriteToMemory<byte>(), size, size);
        return Probabilities(output.AsSpan(0, ImageNetClasses));
    }

    /// <summary>Softmax of logits; values that are already a distribution (all in [0, 1], summing to 1) are returned as they are.</summary>
    public static float[] Probabilities(ReadOnlySpan<float> values)
    {
        double sum = 0, max = double.MinValue;
        bool inUnit = true;
        foreach (float v in values)
        {
            sum += v;
            max = Math.Max(max, v);
            inUnit &= v is >= 0 and <= 1;
        }

        float[] p = new float[values.Length];
        if (inUnit && Math.Abs(sum - 1) < 1e-3)
        {
            values.CopyTo(p);
            return p;
        }

        double total = 0;
        for (int i = 0; i < values.Length; i++)
        {
            double e = Math.Exp(values[i] - max);
            p[i] = (float)e;
            total += e;
        }

        for (int i = 0; i < p.Length; i++)
        {
            p[i] = (float)(p[i] / total);
        }

        return p;
    }

    private static void RequireShape(LoadedModel model, string name, int[] expected, bool isInput)
    {
        int[] dims = (isInput ? model.Session.InputMetadata : model.Session.OutputMetadata)[name].Dimensions;
        bool fits = dims.Length == expected.Length && dims.Zip(expected).All(p => p.First <= 0 || p.First == p.Second);
        if (!fits)
        {
            throw new DarkroomException(
                ErrorCodes.ModelUnavailable,
                503,
                $"Model '{model.Spec.Id}' {(isInput ? "input" : "output")} '{name}' is [{string.Join(", ", dims)}], not [{string.Join(", ", expected)}]; the catalog does not describe this file.");
        }
    }

    private static float[] Run(LoadedModel model, byte[] rgb, int width, int height)
    {
        using OrtValue value = ModelInput.Nchw(rgb, width, height, model.Spec.Input.Normalization);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = model.Run(runOptions, [model.Spec.Input.Name], [value], [model.Spec.Output]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
