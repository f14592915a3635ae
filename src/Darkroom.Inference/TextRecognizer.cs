using System.Text;
using Darkroom.Imaging;
using Microsoft.ML.OnnxRuntime;
using NetVips;

namespace Darkroom.Inference;

/// <summary>A recognised line: its box and text, with the mean per-character confidence.</summary>
public sealed record TextLine(TextBox Box, string Text, float Confidence);

/// <summary>
/// PP-OCR text recognition (CRNN + CTC): each detected box cropped from the photo, scaled to 48 px high (width
/// kept in proportion, at most <see cref="MaxWidth"/>), normalised to [-1, 1]; the output is a probability per
/// time step over blank + the character list + space, decoded greedily (best class per step, repeats merged,
/// blanks dropped).
/// </summary>
public sealed class TextRecognizer(ModelSessions sessions)
{
    public const string ModelId = "ppocr-v4-rec";
    public const int Height = 48;
    public const int MaxWidth = 960;

    private readonly Lazy<string[]> _characters = new(() => LoadCharacters(sessions));

    /// <param name="photo">Upright sRGB, the image the boxes were detected on.</param>
    public async Task<IReadOnlyList<TextLine>> RecognizeAsync(Image photo, IEnumerable<TextBox> boxes, CancellationToken cancellationToken)
    {
        LoadedModel model = await sessions.GetAsync(ModelId, cancellationToken);
        string[] characters = _characters.Value;
        using Image rgb = photo.HasAlpha() ? photo.Flatten(background: [255, 255, 255]) : photo.Copy();
        var lines = new List<TextLine>();
        foreach (TextBox box in boxes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int left = Math.Clamp(box.Left, 0, rgb.Width - 1), top = Math.Clamp(box.Top, 0, rgb.Height - 1);
            int width = Math.Min(box.Width, rgb.Width - left), height = Math.Min(box.Height, rgb.Height - top);
            if (width < 4 || height < 4)
            {
                continue;
            }

            int w = Math.Clamp((int)Math.Ceiling(Height * (double)width / height), 8, MaxWidth);
            using Image crop = rgb.Crop(left, top, width, height);
            using Image sized = crop.ThumbnailImage(w, height: Height, size: Enums.Size.Force);
            byte[] pixels = sized.Cast(Enums.BandFormat.Uchar).WriteToMemory<byte>();
            using OrtValue input = ModelInput.Nchw(pixels, w, Height, model.Spec.Input.Normalization);
            using var runOptions = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> outputs = model.Run(runOptions, [model.Spec.Input.Name], [input], [model.Spec.Output]);
            long[] shape = outputs[0].GetTensorTypeAndShape().Shape;
            (string text, float confidence) = Decode(outputs[0].GetTensorDataAsSpan<float>(), (int)shape[1], (int)shape[2], characters);
            if (text.Length > 0)
            {
                lines.Add(new TextLine(box, text, confidence));
            }
        }

        return lines;
    }

    /// <summary>Greedy CTC: class 0 is blank, 1..n the characters, n + 1 a space.</summary>
    public static (string Text, float Confidence) Decode(ReadOnlySpan<float> probabilities, int steps, int classes, IReadOnlyList<string> characters)
    {
        var text = new StringBuilder();
        double sum = 0;
        int count = 0, previous = 0;
        for (int t = 0; t < steps; t++)
        {
            ReadOnlySpan<float> step = probabilities.Slice(t * classes, classes);
            int best = 0;
            for (int c = 1; c < classes; c++)
            {
                if (step[c] > step[best])
                {
                    best = c;
                }
            }

            if (best != 0 && best != previous)
            {
                text.Append(best <= characters.Count ? characters[best - 1] : " ");
                sum += step[best];
                count++;
            }

            previous = best;
        }

        return (text.ToString(), count == 0 ? 0 : (float)(sum / count));
    }

    private static string[] LoadCharacters(ModelSessions sessions)
    {
        ModelSpec spec = sessions.Catalog.Get(ModelId);
        string path = Path.Combine(Path.GetDirectoryName(sessions.ModelPath(spec))!, spec.Vocabulary ?? throw new InvalidOperationException($"{ModelId} names no character list."));
        return File.ReadAllLines(path, Encoding.UTF8);
    }
}
