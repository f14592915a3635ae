using Darkroom.Imaging;
using Microsoft.ML.OnnxRuntime;
using NetVips;

namespace Darkroom.Inference;

/// <summary>A detected text region in photo pixels, with the detector's mean confidence over it.</summary>
public readonly record struct TextBox(int Left, int Top, int Width, int Height, float Score);

/// <summary>
/// PP-OCR (DB) text detection: the photo scaled to multiples of 32 (longest side at most
/// <see cref="MaxSide"/>), a per-pixel text probability map, then DB post-processing — threshold, connected
/// regions, mean-probability box score, and unclip (growing each box by area × ratio / perimeter).
/// </summary>
public sealed class TextDetector(ModelSessions sessions)
{
    public const string ModelId = "ppocr-v4-det";
    public const int MaxSide = 960;
    public const float BinaryThreshold = 0.3f;
    public const float BoxThreshold = 0.6f;
    public const float UnclipRatio = 1.5f;

    /// <param name="photo">Upright sRGB, three (or four) bands.</param>
    public async Task<IReadOnlyList<TextBox>> DetectAsync(Image photo, CancellationToken cancellationToken)
    {
        LoadedModel model = await sessions.GetAsync(ModelId, cancellationToken);
        double scale = Math.Min(1.0, (double)MaxSide / Math.Max(photo.Width, photo.Height));
        int w = Math.Max(32, (int)Math.Round(photo.Width * scale / 32) * 32);
        int h = Math.Max(32, (int)Math.Round(photo.Height * scale / 32) * 32);
        using Image rgb = photo.HasAlpha() ? photo.Flatten(background: [255, 255, 255]) : photo.Copy();
        using Image sized = rgb.ThumbnailImage(w, height: h, size: Enums.Size.Force);
        byte[] pixels = sized.Cast(Enums.BandFormat.Uchar).WriteToMemory<byte>();

        using OrtValue input = ModelInput.Nchw(pixels, w, h, model.Spec.Input.Normalization);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = model.Run(runOptions, [model.Spec.Input.Name], [input], [model.Spec.Output]);
        ReadOnlySpan<float> probability = outputs[0].GetTensorDataAsSpan<float>()[..(w * h)];
        return Boxes(probability, w, h, (double)photo.Width / w, (double)photo.Height / h);
    }

    /// <summary>DB post-processing on a probability map; boxes scaled by (sx, sy) into photo pixels.</summary>
    public static IReadOnlyList<TextBox> Boxes(ReadOnlySpan<float> probability, int w, int h, double sx, double sy)
    {
        int[] label = new int[w * h];
        var boxes = new List<TextBox>();
        var stack = new Stack<int>();
        int next = 0;
        for (int start = 0; start < w * h; start++)
        {
            if (label[start] != 0 || probability[start] <= BinaryThreshold)
            {
                continue;
            }

            next++;
            int left = w, top = h, right = 0, bottom = 0, count = 0;
            double sum = 0;
            stack.Push(start);
            label[start] = next;
            while (stack.TryPop(out int p))
            {
                int x = p % w, y = p / w;
                left = Math.Min(left, x);
                right = Math.Max(right, x);
                top = Math.Min(top, y);
                bottom = Math.Max(bottom, y);
                sum += probability[p];
                count++;
                for (int dy = -1; dy <= 1; dy++)
                {
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int nx = x + dx, ny = y + dy;
                        if (nx < 0 || ny < 0 || nx >= w || ny >= h)
                        {
                            continue;
                        }

                        int n = (ny * w) + nx;
                        if (label[n] == 0 && probability[n] > BinaryThreshold)
                        {
                            label[n] = next;
                            stack.Push(n);
                        }
                    }
                }
            }

            int bw = right - left + 1, bh = bottom - top + 1;
            float score = (float)(sum / count);
            if (Math.Min(bw, bh) < 3 || score < BoxThreshold)
            {
                continue;
            }

            // Unclip: DB's kernels are shrunk text; grow back by area * ratio / perimeter.
            double grow = bw * bh * UnclipRatio / (2.0 * (bw + bh));
            double x0 = Math.Max(0, left - grow) * sx, y0 = Math.Max(0, top - grow) * sy;
            double x1 = Math.Min(w, right + 1 + grow) * sx, y1 = Math.Min(h, bottom + 1 + grow) * sy;
            boxes.Add(new TextBox((int)x0, (int)y0, (int)Math.Ceiling(x1 - x0), (int)Math.Ceiling(y1 - y0), score));
        }

        return boxes;
    }
}
