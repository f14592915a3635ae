using System.Diagnostics;
using System.Globalization;
using Darkroom.Imaging;
using Darkroom.Inference;
using Darkroom.Testing;
using NetVips;

namespace Darkroom.Bench;

/// <summary>
/// Watermark removal with exact ground truth: clean photos marked here with semi-transparent white marks (40–60 %)
/// in three layouts (corner text, centred ring logo, tiled diagonal text), each as lossless PNG and as JPEG q90.
/// Prints per image and as means PSNR and SSIM inside the true mask against the clean photo, side by side: the marked
/// input, OpenCV's cv2.inpaint Telea (the anchor, bench/opencv_watermark.py), Darkroom's fill (Telea) and Darkroom's
/// de-blending, both given the true mask dilated by 2 px as the service does, and de-blending with the service's own
/// automatic mask (with its recall, precision and cover of the photo; over 25 % it is refused, so scored as marked);
/// then the time for a 12 MP tiled photo.
/// </summary>
internal static class WatermarkBench
{
    private const string Mark = TestImages.StockMark;

    private static readonly bool Quick = Environment.GetEnvironmentVariable("DR_QUICK") == "1";

    public static int Run(string? keep, string modelDirectory)
    {
        using ModelSessions sessions = new(
            ModelCatalog.Load(Path.Combine(AppContext.BaseDirectory, "models.catalog.json")),
            Microsoft.Extensions.Options.Options.Create(new InferenceOptions { ModelDirectory = modelDirectory, ExecutionProvider = "auto" }),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<ModelSessions>.Instance);
        var detector = new TextDetector(sessions);
        string folder = keep ?? Directory.CreateTempSubdirectory("darkroom-watermark-").FullName;
        Directory.CreateDirectory(folder);
        if (Environment.GetEnvironmentVariable("DR_LARGE") == "1")
        {
            TimeLarge(detector, folder);
            return 0;
        }

        var rows = new List<Row>();
        var exemplarScores = new List<(string Format, (double Psnr, double Ssim) Score)>();
        (string Name, Image Photo)[] photos =
        [
            ("astronaut", Image.NewFromFile(RepoPaths.TestData(TestImages.Astronaut))),
            ("cat", Image.NewFromFile(RepoPaths.TestData(TestImages.Cat))),
            ("coffee", Image.NewFromFile(RepoPaths.TestData(TestImages.Coffee))),
            ("gradient", Gradient(600, 400)),
        ];
        double[] opacities = [0.4, 0.5, 0.6];
        int o = 0;
        foreach ((string photoName, Image photo) in photos)
        {
            using Image clean = photo.ExtractBand(0, n: 3).Cast(Enums.BandFormat.Uchar);
            foreach (string layout in new[] { "corner", "logo", "tiled" })
            {
                double opacity = opacities[o++ % opacities.Length];
                using Image coverage = Coverage(layout, clean.Width, clean.Height);
                using Image alpha = coverage.Cast(Enums.BandFormat.Float) / 255.0 * opacity;
                using Image marked = TestImages.WhiteOver(clean, alpha);
                byte[] truth = (coverage > 0).Cast(Enums.BandFormat.Uchar).WriteToMemory<byte>();
                byte[] mask = (byte[])truth.Clone();
                MaskOps.Dilate(mask, clean.Width, clean.Height, 2);
                foreach (string format in new[] { "png", "jpeg" })
                {
                    using Image input = format == "png" ? marked.Copy() : Image.NewFromBuffer(marked.JpegsaveBuffer(q: 90));
                    string id = $"{photoName}-{layout}-{format}";
                    input.WriteToFile(Path.Combine(folder, id + ".marked.png"));
                    clean.WriteToFile(Path.Combine(folder, id + ".clean.png"));
                    MaskOps.ToImage(mask, clean.Width, clean.Height).WriteToFile(Path.Combine(folder, id + ".mask.png"));
                    MaskOps.ToImage(truth, clean.Width, clean.Height).WriteToFile(Path.Combine(folder, id + ".truth.png"));
                    byte[] cleanPixels = clean.WriteToMemory<byte>(), inputPixels = input.WriteToMemory<byte>();

                    byte[] filled = (byte[])inputPixels.Clone();
                    var fillClock = Stopwatch.StartNew();
                    TeleaInpainter.Inpaint(filled, mask, clean.Width, clean.Height, 3, radius: 5);
                    double fillMs = fillClock.Elapsed.TotalMilliseconds;
                    // The exemplar fill (model "exemplar"), scored beside the default.
                    byte[] exemplar = (byte[])inputPixels.Clone();
                    var exemplarClock = Stopwatch.StartNew();
                    ExemplarInpainter.Inpaint(exemplar, mask, clean.Width, clean.Height, 3);
                    double exemplarMs = exemplarClock.Elapsed.TotalMilliseconds;
                    exemplarScores.Add((format, Score(exemplar, cleanPixels, truth, clean.Width, clean.Height)));
                    using (Image exemplarImage = Image.NewFromMemory(exemplar, clean.Width, clean.Height, 3, Enums.BandFormat.Uchar))
                    {
                        exemplarImage.WriteToFile(Path.Combine(folder, id + ".exemplar.png"));
                    }

                    using (Image fillImage = Image.NewFromMemory(filled, clean.Width, clean.Height, 3, Enums.BandFormat.Uchar))
                    {
                        fillImage.WriteToFile(Path.Combine(folder, id + ".fill.png"));
                    }

                    byte[] deblended = (byte[])inputPixels.Clone();
                    var stopwatch = Stopwatch.StartNew();
                    DeblendReport? report = WatermarkDeblender.Deblend(deblended, mask, clean.Width, clean.Height, 3, lossy: format == "jpeg");
                    double ms = stopwatch.Elapsed.TotalMilliseconds;
                    if (report is null)
                    {
                        deblended = filled;
                    }

                    using Image after = Image.NewFromMemory(deblended, clean.Width, clean.Height, 3, Enums.BandFormat.Uchar);
                    after.WriteToFile(Path.Combine(folder, id + ".darkroom.png"));

                    // The service's automatic mask (text detection, watermark heuristics, strokes), grown as the service grows it.
                    IReadOnlyList<TextBox> boxes = Quick ? [] : detector.DetectAsync(input, CancellationToken.None).GetAwaiter().GetResult();
                    byte[] auto = WatermarkMasker.Build(input, boxes, Core.Options.MaskMode.Auto);
                    if (Environment.GetEnvironmentVariable("DR_BLEND_DEBUG") == "1")
                    {
                        BlendMarks.Found? found = BlendMarks.Find(input);
                        Console.WriteLine($"blend {id}: {(found is null ? "none" : $"a={found.Alpha:0.00} pol={found.Polarity} pieces={found.Pieces} cover={MaskOps.Coverage(found.Mask):P1} recall/prec={TestImages.Overlap(found.Mask, truth)}")}");
                        if (found is not null)
                        {
                            MaskOps.ToImage(found.Mask, clean.Width, clean.Height).WriteToFile(Path.Combine(folder, id + ".blend.png"));
                        }
                    }
                    MaskOps.Dilate(auto, clean.Width, clean.Height, 2);
                    (double recall, double precision) = TestImages.Overlap(auto, truth);
                    double visibleRecall = TestImages.Overlap(auto, Visible(truth, inputPixels, cleanPixels)).Recall;
                    double cover = MaskOps.Coverage(auto);
                    byte[] autoResult = (byte[])inputPixels.Clone();
                    if (cover > 0 && cover <= 0.25 && WatermarkDeblender.Deblend(autoResult, auto, clean.Width, clean.Height, 3, lossy: format == "jpeg") is null)
                    {
                        TeleaInpainter.Inpaint(autoResult, auto, clean.Width, clean.Height, 3, radius: 5);
                    }
                    using (Image autoImage = Image.NewFromMemory(autoResult, clean.Width, clean.Height, 3, Enums.BandFormat.Uchar))
                    {
                        autoImage.WriteToFile(Path.Combine(folder, id + ".auto.png"));
                    }

                    MaskOps.ToImage(auto, clean.Width, clean.Height).WriteToFile(Path.Combine(folder, id + ".automask.png"));
                    rows.Add(new Row(
                        id, format, opacity,
                        Score(inputPixels, cleanPixels, truth, clean.Width, clean.Height),
                        Score(filled, cleanPixels, truth, clean.Width, clean.Height),
                        Score(deblended, cleanPixels, truth, clean.Width, clean.Height),
                        report, ms,
                        Score(autoResult, cleanPixels, truth, clean.Width, clean.Height), recall, precision, cover, Harm(autoResult, inputPixels, truth), $"fill (Telea) {fillMs:0} ms; exemplar {exemplarMs:0} ms") { VisibleRecall = visibleRecall });
                }
            }

            photo.Dispose();
        }

        Dictionary<string, (double Psnr, double Ssim)> anchor = Quick ? [] : RunAnchor(folder);
        Console.WriteLine($"set: {rows.Count} images in {folder} (4 photos x 3 layouts x PNG/JPEG q90, white marks at 40-60 %)");
        Console.WriteLine("PSNR dB / SSIM inside the true mask against the clean photo; masks: the true mask dilated by 2 px");
        Console.WriteLine($"{"image",-24} {"opacity",7} {"marked",14} {"cv2 Telea",14} {"Darkroom fill",14} {"Darkroom deblend",17} {"auto mask",14} {"recall",6} {"prec.",5} {"cover",6} {"harm",6}  estimate");
        foreach (Row r in rows)
        {
            (double ap, double @as) = anchor.TryGetValue(r.Id, out (double, double) a) ? a : (double.NaN, double.NaN);
            string estimate = r.Report is { } e ? $"a={e.Alpha:0.00} c=({e.Red:0},{e.Green:0},{e.Blue:0}) {r.Ms:0} ms; {r.FillNote}" : $"no blend found: filled; {r.FillNote}";
            Console.WriteLine($"{r.Id,-24} {r.Opacity,7:0.00} {Cell(r.Marked),14} {Cell((ap, @as)),14} {Cell(r.Filled),14} {Cell(r.Deblended),17} {Cell(r.Auto),14} {r.Recall,6:0.00} {r.Precision,5:0.00} {r.Cover,6:P1} {r.Harm,6:P1}  {estimate}");
        }

        foreach (string format in new[] { "png", "jpeg" })
        {
            Row[] set = [.. rows.Where(r => r.Format == format)];
            (double, double) Mean(Func<Row, (double, double)> pick) => (set.Average(r => pick(r).Item1), set.Average(r => pick(r).Item2));
            (double, double) anchorMean = (set.Average(r => anchor.GetValueOrDefault(r.Id, (double.NaN, double.NaN)).Item1), set.Average(r => anchor.GetValueOrDefault(r.Id, (double.NaN, double.NaN)).Item2));
            Console.WriteLine($"{"mean " + format,-24} {"",7} {Cell(Mean(r => r.Marked)),14} {Cell(anchorMean),14} {Cell(Mean(r => r.Filled)),14} {Cell(Mean(r => r.Deblended)),17} {Cell(Mean(r => r.Auto)),14} {set.Average(r => r.Recall),6:0.00} {set.Average(r => r.Precision),5:0.00} {set.Max(r => r.Cover),6:P1} {set.Max(r => r.Harm),6:P1}");
            (double Psnr, double Ssim)[] exemplarSet = [.. exemplarScores.Where(e => e.Format == format).Select(e => e.Score)];
            Console.WriteLine($"{"  exemplar fill " + format,-24} {Cell((exemplarSet.Average(e => e.Psnr), exemplarSet.Average(e => e.Ssim)))} (model \"exemplar\", true mask; the fill column is Telea, the default)");
            foreach (string layout in new[] { "corner", "logo", "tiled" })
            {
                Row[] part = [.. set.Where(r => r.Id.Contains($"-{layout}-", StringComparison.Ordinal))];
                Console.WriteLine($"{"  recall " + layout + " " + format,-24} min {part.Min(r => r.Recall):0.00} mean {part.Average(r => r.Recall):0.00}; of the visibly changed pixels min {part.Min(r => r.VisibleRecall):0.00} mean {part.Average(r => r.VisibleRecall):0.00}; auto-mask PSNR mean {part.Average(r => r.Auto.Psnr):0.0}");
            }
        }

        // The same automatic mask on the photos with no mark at all: whatever it finds there would be damage.
        foreach ((string photoName, Image photo) in new[] { ("astronaut", TestImages.Astronaut), ("cat", TestImages.Cat), ("coffee", TestImages.Coffee) }.Select(p => (p.Item1, Image.NewFromFile(RepoPaths.TestData(p.Item2)))))
        {
            using Image clean = photo.ExtractBand(0, n: 3).Cast(Enums.BandFormat.Uchar);
            IReadOnlyList<TextBox> boxes = Quick ? [] : detector.DetectAsync(clean, CancellationToken.None).GetAwaiter().GetResult();
            byte[] auto = WatermarkMasker.Build(clean, boxes, Core.Options.MaskMode.Auto);
            bool tiled = RepeatedMark.Find(clean, [.. boxes.Select(b => (b.Left, b.Top, b.Width, b.Height))]) is not null;
            Console.WriteLine($"unmarked {photoName,-15} auto mask covers {MaskOps.Coverage(auto),6:P1}{(tiled ? " (a repetition was found)" : string.Empty)}");
            photo.Dispose();
        }

        if (!Quick)
        {
            TimeLarge(detector, folder);
        }

        return 0;
    }

    /// <summary>Times the 12 MP photo; also leaves it in <paramref name="folder"/> (large-tiled.png, large-tiled.jpg at q90) for timing the job through HTTP.</summary>
    private static void TimeLarge(TextDetector detector, string folder)
    {
        using Image source = Image.NewFromFile(RepoPaths.TestData(TestImages.Astronaut));
        using Image big = source.ExtractBand(0, n: 3).Resize(4000.0 / source.Width, vscale: 3000.0 / source.Height).Cast(Enums.BandFormat.Uchar);
        using Image coverage = Coverage("tiled", big.Width, big.Height);
        using Image alpha = coverage.Cast(Enums.BandFormat.Float) / 255.0 * 0.5;
        using Image marked = ((alpha * 255.0) + ((1.0 - alpha) * big.Cast(Enums.BandFormat.Float))).Cast(Enums.BandFormat.Uchar);
        byte[] png = marked.PngsaveBuffer(compression: 1);
        File.WriteAllBytes(Path.Combine(folder, "large-tiled.png"), png);
        File.WriteAllBytes(Path.Combine(folder, "large-tiled.jpg"), marked.JpegsaveBuffer(q: 90));
        byte[] mask = (coverage > 0).Cast(Enums.BandFormat.Uchar).WriteToMemory<byte>();
        MaskOps.Dilate(mask, big.Width, big.Height, 2);
        // Three runs each, lossless and as JPEG q90 (de-blended as lossy input, with its denoising): the median and the slowest.
        foreach ((string format, byte[] encoded) in new[] { ("PNG", png), ("JPEG q90", marked.JpegsaveBuffer(q: 90)) })
        {
            var seconds = new List<double>();
            DeblendReport? report = null;
            long bytes = 0;
            for (int run = 0; run < 3; run++)
            {
                var stopwatch = Stopwatch.StartNew();
                using Image decoded = Image.NewFromBuffer(encoded);
                byte[] pixels = decoded.WriteToMemory<byte>();
                report = WatermarkDeblender.Deblend(pixels, mask, big.Width, big.Height, 3, lossy: format != "PNG");
                using Image result = Image.NewFromMemory(pixels, big.Width, big.Height, 3, Enums.BandFormat.Uchar);
                bytes = result.PngsaveBuffer(compression: 1).LongLength;
                seconds.Add(stopwatch.Elapsed.TotalSeconds);
            }

            seconds.Sort();
            Console.WriteLine($"12 MP (4000x3000) tiled mark, {format} in, mask cover {MaskOps.Coverage(mask):P1}: decode + de-blend + encode median {seconds[1]:0.00} s, slowest {seconds[2]:0.00} s of 3 (a={report?.Alpha:0.00}; {report?.SharedAcrossRepeats} pixels shared across repeats; {bytes / 1048576.0:0.0} MB PNG)");
        }

        // The automatic mask on the same photo: text detection, then the mask (repetition, strokes, completion along them).
        var detect = new List<double>();
        var build = new List<double>();
        double autoCover = 0;
        (double Recall, double Precision) autoOverlap = (0, 0);
        for (int run = 0; run < 3; run++)
        {
            using Image decoded = Image.NewFromBuffer(png);
            using Image photo = decoded.CopyMemory();
            var stopwatch = Stopwatch.StartNew();
            IReadOnlyList<TextBox> boxes = detector.DetectAsync(photo, CancellationToken.None).GetAwaiter().GetResult();
            detect.Add(stopwatch.Elapsed.TotalSeconds);
            stopwatch.Restart();
            byte[] auto = WatermarkMasker.Build(photo, boxes, Core.Options.MaskMode.Auto);
            build.Add(stopwatch.Elapsed.TotalSeconds);
            autoCover = MaskOps.Coverage(auto);
            MaskOps.Dilate(auto, big.Width, big.Height, 2);
            autoOverlap = TestImages.Overlap(auto, mask);
        }

        detect.Sort();
        build.Sort();
        Console.WriteLine($"12 MP auto mask, cover {autoCover:P1}, recall {autoOverlap.Recall:0.00}, precision {autoOverlap.Precision:0.00} (grown 2 px, against the true mask grown 2 px): text detection median {detect[1]:0.00} s, mask (repetition + completion) median {build[1]:0.00} s of 3");
    }

    /// <summary>The mark's coverage (0-255, anti-aliased) for a layout.</summary>
    private static Image Coverage(string layout, int width, int height)
    {
        int size = Math.Max(12, Math.Min(width, height) / 14);
        switch (layout)
        {
            case "corner":
            {
                using Image text = Image.Text($"<b>{Mark}</b>", font: $"sans {size}", dpi: 72);
                return text.Embed(width - text.Width - (width / 30), height - text.Height - (height / 30), width, height, extend: Enums.Extend.Black);
            }

            case "logo":
            {
                int diameter = (int)(Math.Min(width, height) * 0.45), r = diameter / 2, stroke = Math.Max(4, diameter / 14);
                using Image xy = Image.Xyz(diameter + 4, diameter + 4) - ((diameter / 2.0) + 2);
                using Image distance = ((xy[0] * xy[0]) + (xy[1] * xy[1])).Pow(0.5);
                using Image ring = ((distance <= r) & (distance > r - stroke)).Cast(Enums.BandFormat.Uchar);
                using Image letter = Image.Text("<b>S</b>", font: $"serif {diameter / 2}", dpi: 72);
                using Image logo = ring.Insert(letter, ((diameter + 4) - letter.Width) / 2, ((diameter + 4) - letter.Height) / 2);
                using Image soft = (logo.Cast(Enums.BandFormat.Float).Gaussblur(0.7)).Cast(Enums.BandFormat.Uchar);
                return soft.Embed((width - soft.Width) / 2, (height - soft.Height) / 2, width, height, extend: Enums.Extend.Black);
            }

            default:
                return TestImages.TiledMark(width, height).Coverage;
        }
    }

    private static Image Gradient(int width, int height)
    {
        using Image x = Image.Xyz(width, height);
        using Image r = x[0] * (200.0 / width) + 30, g = x[1] * (120.0 / height) + 60;
        using Image b = (x[0] + x[1]) * (80.0 / (width + height)) + 90;
        // Seeded, so every run scores the same photo.
        using Image noise = Image.Gaussnoise(width, height, sigma: 3, mean: 0, seed: 20261202);
        return r.Bandjoin(g + noise, b).Cast(Enums.BandFormat.Uchar);
    }

    private static (double Psnr, double Ssim) Score(byte[] result, byte[] clean, byte[] truth, int width, int height)
    {
        using Image a = Image.NewFromMemory(result, width, height, 3, Enums.BandFormat.Uchar);
        using Image b = Image.NewFromMemory(clean, width, height, 3, Enums.BandFormat.Uchar);
        return (TestImages.PsnrInside(a, b, truth), Ssim(result, clean, truth, width, height));
    }

    /// <summary>SSIM of the grey images over 7x7 box windows (reflected borders), averaged over the true mask; as the anchor script computes it.</summary>
    private static double Ssim(byte[] a, byte[] b, byte[] truth, int width, int height)
    {
        double[] ga = Grey(a, width * height), gb = Grey(b, width * height);
        const double C1 = 6.5025, C2 = 58.5225;
        double total = 0;
        long n = 0;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                if (truth[(y * width) + x] == 0)
                {
                    continue;
                }

                double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
                for (int dy = -3; dy <= 3; dy++)
                {
                    int yy = Reflect(y + dy, height);
                    for (int dx = -3; dx <= 3; dx++)
                    {
                        int i = (yy * width) + Reflect(x + dx, width);
                        sa += ga[i];
                        sb += gb[i];
                        saa += ga[i] * ga[i];
                        sbb += gb[i] * gb[i];
                        sab += ga[i] * gb[i];
                    }
                }

                double ma = sa / 49, mb = sb / 49, va = (saa / 49) - (ma * ma), vb = (sbb / 49) - (mb * mb), cov = (sab / 49) - (ma * mb);
                total += ((2 * ma * mb) + C1) * ((2 * cov) + C2) / (((ma * ma) + (mb * mb) + C1) * (va + vb + C2));
                n++;
            }
        }

        return n == 0 ? 1 : total / n;
    }

    private static int Reflect(int i, int n) => i < 0 ? -i - 1 : i >= n ? (2 * n) - i - 1 : i;

    private static double[] Grey(byte[] rgb, int count)
    {
        double[] grey = new double[count];
        for (int i = 0; i < count; i++)
        {
            // OpenCV's BGR2GRAY weights on R, G, B.
            grey[i] = (0.299 * rgb[i * 3]) + (0.587 * rgb[(i * 3) + 1]) + (0.114 * rgb[(i * 3) + 2]);
        }

        return grey;
    }

    private static Dictionary<string, (double Psnr, double Ssim)> RunAnchor(string folder) =>
        (OpenCvAnchor.Run("opencv_watermark.py", folder) ?? [])
            .ToDictionary(p => p[0], p => (double.Parse(p[1], CultureInfo.InvariantCulture), double.Parse(p[2], CultureInfo.InvariantCulture)));

    private static string Cell((double Psnr, double Ssim) s) => $"{s.Psnr,5:0.0} / {s.Ssim:0.000}";

    private sealed record Row(
        string Id, string Format, double Opacity, (double Psnr, double Ssim) Marked, (double Psnr, double Ssim) Filled, (double Psnr, double Ssim) Deblended,
        DeblendReport? Report, double Ms, (double Psnr, double Ssim) Auto, double Recall, double Precision, double Cover, double Harm, string FillNote)
    {
        /// <summary>Recall over the mark's pixels that it visibly changed (by more than 8 levels in some channel).</summary>
        public double VisibleRecall { get; init; }
    }

    /// <summary>The true mark's pixels where the mark changed the photo by more than 8 levels (a white mark on white changes nothing).</summary>
    private static byte[] Visible(byte[] truth, byte[] marked, byte[] clean)
    {
        byte[] visible = new byte[truth.Length];
        for (int i = 0; i < truth.Length; i++)
        {
            if (truth[i] != 0 && Enumerable.Range(0, 3).Any(ch => Math.Abs(marked[(i * 3) + ch] - clean[(i * 3) + ch]) > 8))
            {
                visible[i] = 255;
            }
        }

        return visible;
    }

    /// <summary>The share of pixels outside the true mark that a result changed by more than 8 levels in some channel: damage done where there was nothing to remove.</summary>
    private static double Harm(byte[] result, byte[] input, byte[] truth)
    {
        long outside = 0, changed = 0;
        for (int i = 0; i < truth.Length; i++)
        {
            if (truth[i] != 0)
            {
                continue;
            }

            outside++;
            for (int ch = 0; ch < 3; ch++)
            {
                if (Math.Abs(result[(i * 3) + ch] - input[(i * 3) + ch]) > 8)
                {
                    changed++;
                    break;
                }
            }
        }

        return outside == 0 ? 0 : changed / (double)outside;
    }
}
