using System.Globalization;
using Darkroom.Core.Classification;
using Darkroom.Core.Images;
using Darkroom.Inference;
using NetVips;

namespace Darkroom.Pipeline.Classification;

/// <summary>
/// Phone and desktop screenshots by how they are made: an exact device resolution, no camera EXIF, a lossless
/// format, large exactly-flat regions (UI backgrounds, which a camera's noise never produces) and dense text
/// from the PP-OCR detector. A camera Make/Model in EXIF counts strongly against.
/// </summary>
public sealed class ScreenshotDetector : IClassifierStep
{
    public const string Version = "1";

    /// <summary>Screen sizes in pixels (either orientation) of common phones, tablets and desktops.</summary>
    private static readonly HashSet<(int, int)> DeviceResolutions =
    [
        (640, 1136), (750, 1334), (828, 1792), (1080, 1920), (1125, 2436), (1170, 2532), (1179, 2556), (1242, 2208), (1242, 2688),
        (1284, 2778), (1290, 2796), (1206, 2622), (1320, 2868), (720, 1280), (720, 1600), (1080, 2340), (1080, 2400), (1080, 2412),
        (1440, 2560), (1440, 3040), (1440, 3088), (1440, 3120), (1440, 3200), (1536, 2048), (1620, 2160), (1640, 2360), (1668, 2388),
        (2048, 2732), (1280, 720), (1280, 800), (1366, 768), (1440, 900), (1536, 864), (1600, 900), (1680, 1050), (1920, 1080),
        (1920, 1200), (2560, 1440), (2560, 1600), (2880, 1800), (2940, 1912), (3024, 1964), (3456, 2234), (3840, 2160), (5120, 2880),
    ];

    public string Name => "screenshot";

    public string Method => ClassifyMethods.Local;

    public async Task<StepOutcome> ClassifyAsync(ClassifierInput input, CancellationToken cancellationToken)
    {
        var signals = new List<string>();
        double score = 0;
        (int w, int h) = (input.Facts.Width, input.Facts.Height);
        if (DeviceResolutions.Contains((w, h)) || DeviceResolutions.Contains((h, w)))
        {
            score += 0.3;
            signals.Add($"a device resolution ({w}x{h})");
        }

        if (input.CameraMake is { } camera)
        {
            score -= 0.5;
            signals.Add($"camera EXIF ({camera})");
        }
        else
        {
            score += 0.05;
        }

        if (input.Facts.Format is ImageFormat.Png or ImageFormat.WebP or ImageFormat.Bmp)
        {
            score += 0.1;
            signals.Add($"lossless {input.Facts.Format}");
        }

        double flat = FlatFraction(input.Upright);
        if (flat > 0.3)
        {
            score += 0.35 * Math.Min(1, (flat - 0.3) / 0.4);
            signals.Add(string.Create(CultureInfo.InvariantCulture, $"{flat:P0} flat pixels"));
        }

        IReadOnlyList<TextBox> boxes = await input.TextBoxesAsync(cancellationToken);
        double textArea = boxes.Sum(b => (double)b.Width * b.Height) / ((double)input.Upright.Width * input.Upright.Height);
        if (boxes.Count >= 3)
        {
            score += Math.Min(0.3, (0.1 * Math.Min(1, boxes.Count / 10.0)) + (2 * textArea));
            signals.Add(string.Create(CultureInfo.InvariantCulture, $"{boxes.Count} text regions over {textArea:P0}"));
        }

        double confidence = Math.Clamp(score, 0, 0.97);
        string summary = signals.Count == 0 ? "no screenshot signals" : string.Join(", ", signals);
        return confidence <= 0
            ? StepOutcome.Pass(summary)
            : new StepOutcome(new ClassifierVerdict(Categories.Screenshot, confidence, $"A screen capture: {summary}.", "screenshot-rules", Version), summary);
    }

    /// <summary>The share of pixels (on a 256 px grey copy) equal to both their right and lower neighbours.</summary>
    public static double FlatFraction(Image upright)
    {
        using Image small = upright.ThumbnailImage(256, height: 256);
        using Image grey = small.Colourspace(Enums.Interpretation.Bw).ExtractBand(0).Cast(Enums.BandFormat.Uchar);
        byte[] pixels = grey.WriteToMemory<byte>();
        int width = grey.Width, height = grey.Height, flat = 0, total = 0;
        for (int y = 0; y < height - 1; y++)
        {
            for (int x = 0; x < width - 1; x++)
            {
                int i = (y * width) + x;
                total++;
                if (pixels[i] == pixels[i + 1] && pixels[i] == pixels[i + width])
                {
                    flat++;
                }
            }
        }

        return total == 0 ? 0 : (double)flat / total;
    }
}
