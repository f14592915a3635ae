using System.Diagnostics;
using Darkroom.Core.Images;
using Darkroom.Core.Jobs;
using Darkroom.Core.Options;
using Darkroom.Imaging;
using Darkroom.Inference;
using Darkroom.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NetVips;

namespace Darkroom.Bench;

/// <summary>
/// Cut-outs against exact ground truth, the Composition-1k way: I = α·F + (1 − α)·B with α kept. No photographic
/// cut-out with a real alpha channel can be downloaded here, so the subjects' alpha is drawn by the benchmark
/// (supersampled 4x, so edges, strands and wires have exact fractional coverage) in five shapes — fur (a body with
/// hundreds of short strands), hair (long wavy strands), product (hard rounded silhouettes), thin (wires and legs)
/// and foliage (clusters of leaves) — with colours and texture cut from the real photos in tests/data, and composited
/// onto other real photos, their blurred versions and plain colours; plus flat-colour graphics on flat backgrounds.
/// Prints per image, per type and overall SAD, MSE, gradient error, IoU at α 0.5, SAD/MSE in a 20 px band around the
/// true edge, and the foreground colour error in that band, for (a) ISNet's matte scaled up as before and (b)
/// Darkroom's routed result (the classify stage's border test: a flat border is keyed out by <see cref="BorderKey"/>,
/// anything else goes to the model as in (a), then <see cref="MatteRefiner"/> at full resolution); then the key's time at 12 MP
/// and what refinement adds to a 12 MP job.
/// </summary>
internal static class CutoutBench
{
    private const int Width = 2048, Height = 1536, Super = 4;

    public static int Run(string? keep, string modelDirectory, int perType, bool reuse, bool timing)
    {
        IOptions<InferenceOptions> options = Options.Create(new InferenceOptions { ModelDirectory = modelDirectory, ExecutionProvider = "auto" });
        using var sessions = new ModelSessions(ModelCatalog.Load(Path.Combine(AppContext.BaseDirectory, "models.catalog.json")), options, NullLogger<ModelSessions>.Instance);
        var segmenter = new IsNetSegmenter(sessions, options, NullLogger<IsNetSegmenter>.Instance);
        string folder = keep ?? Directory.CreateTempSubdirectory("darkroom-cutout-").FullName;
        Directory.CreateDirectory(folder);
        if (perType == 0)
        {
            // Timing only, on a set an earlier run left in the folder.
            string composite = Path.Combine(folder, "fur-00.composite.jpg");
            if (!File.Exists(composite))
            {
                Console.Error.WriteLine($"--per-type 0 times a set an earlier run left in --out; {composite} is not there (run with --per-type 1 or more first).");
                return 1;
            }

            TimeRefinementAt12MP(segmenter, composite);
            return 0;
        }

        Image[] photos = [.. new[] { TestImages.Astronaut, TestImages.Cat, TestImages.Coffee }.Select(f => Image.NewFromFile(RepoPaths.TestData(f)).ExtractBand(0, n: 3))];
        string[] types = ["fur", "hair", "product", "thin", "foliage", "graphic", "small"];
        var rows = new List<Row>();
        var refineTimes = new List<double>();
        var secondPasses = new List<string>();
        var focusPasses = new List<string>();
        var closerPasses = new List<string>();
        for (int t = 0; t < types.Length; t++)
        {
            for (int k = 0; k < perType; k++)
            {
                var random = new Random((t * 1000) + k);
                string type = types[t], id = $"{type}-{k:00}";
                (byte[] jpeg, Image alphaImage, Image foregroundImage, Image modelImage) = Composite(folder, id, type, photos, t, k, random, reuse, segmenter);
                using Image alpha = alphaImage, foreground = foregroundImage, model = modelImage;
                using Image photo = Image.NewFromBuffer(jpeg);
                // (b) Darkroom's route: the classify stage's border test, then the key or the model.
                byte[] modelInput = ModelInput(jpeg);
                var clock = Stopwatch.StartNew();
                BorderKey.Border border = BorderKey.Analyse(photo);
                // As the segment stage does: a subject out of focus while something else is sharp gets the model's
                // second pass on the sharp region's crop; a small subject, or one the model was unsure of, gets one on its own crop.
                using CropPass? twoPass = border.Graphic ? null : segmenter.SecondPassAsync(photo, model, null, CancellationToken.None, modelInput).GetAwaiter().GetResult();
                using Image subjectMatte = twoPass is null ? model.Copy() : Matte.ToSize(twoPass.Matte, Width, Height);
                if (twoPass is not null)
                {
                    bool small = SubjectCrop.Find(model) is { } box && SubjectCrop.Place(box, Width, Height, 1024, 1024) is not null;
                    (twoPass.Kind == SecondPasses.Focus ? focusPasses : small ? secondPasses : closerPasses).Add(id);
                }

                (Image refined, Image colour) = border.Graphic ? BorderKey.Key(photo, border.Colour, border.Noise) : MatteRefiner.Refine(photo, subjectMatte, MatteRefiner.For(SubjectType.Photo, Width, Height));
                using (refined)
                using (colour)
                {
                    byte[] refinedBytes = refined.WriteToMemory<byte>();
                    byte[] colourBytes = colour.WriteToMemory<byte>();
                    refineTimes.Add(clock.Elapsed.TotalMilliseconds);
                    byte[] truth = alpha.WriteToMemory<byte>(), before = model.WriteToMemory<byte>();
                    byte[] trueColour = foreground.WriteToMemory<byte>(), photoBytes = photo.WriteToMemory<byte>();
                    bool[] band = Band(truth, Width, Height, 20);
                    rows.Add(new Row(id, type, border.Graphic ? "key" : "model", Score(before, truth, band, photoBytes, trueColour), Score(refinedBytes, truth, band, colourBytes, trueColour)));
                    refined.WriteToFile(Path.Combine(folder, id + ".darkroom.png"));
                    WriteCrops(Path.Combine(folder, id + ".crops.png"), photo, alpha, model, refined, colour, truth);
                }

                Console.Error.Write('.');
            }
        }

        Console.Error.WriteLine();
        foreach (Image photo in photos)
        {
            photo.Dispose();
        }

        Console.WriteLine($"set: {rows.Count} composites {Width}x{Height} (JPEG q95) in {folder}; (a) ISNet matte scaled up, (b) Darkroom routed: border key for flat backgrounds, else (a) (with a second pass on a small subject's crop) refined at full resolution (MatteRefiner)");
        Console.WriteLine("SAD and gradient error /1000 (alpha in 0-1), MSE x1000, IoU at 0.5; band = within 20 px of the true edge; colour = mean |F - F_true| (0-255) in the band where true alpha > 0.05");
        Console.WriteLine($"{"image route",-18} {"SAD a/b",15} {"MSE a/b",13} {"grad a/b",15} {"IoU a/b",13} {"band SAD a/b",15} {"band MSE a/b",15} {"colour a/b",13}");
        foreach (Row r in rows)
        {
            Print($"{r.Id} {r.Route}", [r]);
        }

        foreach (string type in types)
        {
            Print("type " + type, [.. rows.Where(r => r.Type == type)]);
        }

        Print("all", rows);
        Row[] all = [.. rows];
        double Ratio(Func<Metrics, double> pick) => all.Sum(r => pick(r.B)) / all.Sum(r => pick(r.A));
        Console.WriteLine($"ratios (b)/(a) over all: SAD {Ratio(m => m.Sad):0.000} (target <= 0.8), gradient {Ratio(m => m.Gradient):0.000} (<= 0.7), band SAD {Ratio(m => m.BandSad):0.000} (<= 0.7); IoU mean {all.Average(r => r.A.IoU):0.000} -> {all.Average(r => r.B.IoU):0.000}; graphics IoU min {all.Where(r => r.Type == "graphic").Select(r => r.B.IoU).DefaultIfEmpty(double.NaN).Min():0.000} (target >= 0.99)");
        Row[] found = [.. all.Where(r => r.Route == "model" && r.A.IoU >= 0.5)];
        double FoundRatio(Func<Metrics, double> pick) => found.Sum(r => pick(r.B)) / found.Sum(r => pick(r.A));
        Console.WriteLine($"where the model found the subject (model route, IoU(a) >= 0.5: {found.Length} of {all.Count(r => r.Route == "model")}): SAD {FoundRatio(m => m.Sad):0.00}, gradient {FoundRatio(m => m.Gradient):0.00}, band SAD {FoundRatio(m => m.BandSad):0.00}, MSE {FoundRatio(m => m.Mse):0.00}, colour {FoundRatio(m => m.Colour):0.00}; IoU mean {found.Average(r => r.A.IoU):0.000} -> {found.Average(r => r.B.IoU):0.000}");
        Row[] lost = [.. all.Where(r => r.Route == "model" && r.A.IoU < 0.5)];
        if (lost.Length > 0)
        {
            Console.WriteLine($"where it segmented something else (IoU(a) < 0.5: {string.Join(", ", lost.Select(r => r.Id))}): SAD {lost.Sum(r => r.B.Sad) / lost.Sum(r => r.A.Sad):0.00} (the focus pass finds some subjects again; where the wrong region stays, refinement makes it opaque too)");
        }

        Console.WriteLine($"second pass on the sharp region's crop (the model's subject out of focus; its matte alone kept): {focusPasses.Count} of {all.Count(r => r.Route == "model")} ({string.Join(", ", focusPasses)})");
        Console.WriteLine($"second pass on the subject's crop (small subject in the photo): {secondPasses.Count} of {all.Count(r => r.Route == "model")} ({string.Join(", ", secondPasses)})");
        Console.WriteLine($"second pass on the subject's crop (the model unsure, a fifth or more of its matte grey): {closerPasses.Count} of {all.Count(r => r.Route == "model")} ({string.Join(", ", closerPasses)})");
        refineTimes.Sort();
        Console.WriteLine($"classify + route (+ second pass + refinement) at {Width}x{Height}: median {refineTimes[refineTimes.Count / 2]:0} ms; routed to the key: {all.Count(r => r.Route == "key")} of {all.Length} ({all.Count(r => r.Route == "key" && r.Type != "graphic")} of them not graphics)");
        if (timing)
        {
            TimeAt12MP();
            TimeRefinementAt12MP(segmenter, Path.Combine(folder, "fur-00.composite.jpg"));
        }

        return 0;
    }

    /// <summary>
    /// One composite of the set: its JPEG bytes, true alpha, true foreground and ISNet's matte at full size, kept in
    /// the folder; with <paramref name="reuse"/> an earlier run's files are read back (the same set and the same model
    /// mattes), so that only the routing and the refinement run again.
    /// </summary>
    private static (byte[] Jpeg, Image Alpha, Image Foreground, Image Model) Composite(string folder, string id, string type, Image[] photos, int t, int k, Random random, bool reuse, IsNetSegmenter segmenter)
    {
        string cached = Path.Combine(folder, id);
        if (reuse && File.Exists(cached + ".isnet.png"))
        {
            return (File.ReadAllBytes(cached + ".composite.jpg"), Image.NewFromFile(cached + ".truth.png").Copy(), Image.NewFromFile(cached + ".foreground.png").Copy(), Image.NewFromFile(cached + ".isnet.png").Copy());
        }

        Image alpha = type switch
        {
            "graphic" => GraphicAlpha(random),
            "small" => SmallAlpha(k, random),
            _ => SubjectAlpha(type, random),
        };
        // The subject's texture never comes from the photo it is composited onto (a subject cut from its own
        // background is camouflage, not a cut-out).
        int source = (t + k) % photos.Length == (k + 1) % photos.Length ? (t + k + 1) % photos.Length : (t + k) % photos.Length;
        Image foreground = type == "graphic" ? Flat(random) : Texture(photos[source], random);
        using Image background = type == "graphic" ? Flat(random) : Backdrop(photos, k, random);
        using Image a = alpha.Cast(Enums.BandFormat.Float) / 255.0;
        using Image mixed = ((foreground.Cast(Enums.BandFormat.Float) * a) + (background.Cast(Enums.BandFormat.Float) * (1.0 - a))).Round(Enums.OperationRound.Rint).Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
        byte[] jpeg = mixed.JpegsaveBuffer(q: 95);
        using Segmentation segmentation = segmenter.SegmentAsync(jpeg, null, CancellationToken.None).GetAwaiter().GetResult();
        Image model = Matte.ToSize(segmentation.Matte, Width, Height);
        File.WriteAllBytes(cached + ".composite.jpg", jpeg);
        alpha.WriteToFile(cached + ".truth.png");
        foreground.WriteToFile(cached + ".foreground.png");
        model.WriteToFile(cached + ".isnet.png");
        return (jpeg, alpha, foreground, model);
    }

    /// <summary>
    /// Side by side at full resolution, 256x256 around an edge block where the model's error is at its 75th
    /// percentile: composite, true alpha, ISNet, Darkroom's alpha, ISNet's cut-out and Darkroom's on mid grey.
    /// </summary>
    private static void WriteCrops(string path, Image composite, Image truth, Image model, Image refined, Image colour, byte[] truthBytes)
    {
        const int block = 64, side = 256;
        byte[] modelBytes = model.WriteToMemory<byte>();
        var blocks = new List<(double Error, int X, int Y)>();
        for (int by = 0; by + block <= Height; by += block)
        {
            for (int bx = 0; bx + block <= Width; bx += block)
            {
                double error = 0;
                bool edge = false;
                for (int y = by; y < by + block; y++)
                {
                    for (int x = bx; x < bx + block; x++)
                    {
                        int i = (y * Width) + x;
                        edge |= truthBytes[i] is > 0 and < 255;
                        error += Math.Abs(modelBytes[i] - truthBytes[i]);
                    }
                }

                if (edge)
                {
                    blocks.Add((error, bx, by));
                }
            }
        }

        if (blocks.Count == 0)
        {
            return;
        }

        blocks.Sort((p, q) => p.Error.CompareTo(q.Error));
        (_, int cx, int cy) = blocks[blocks.Count * 3 / 4];
        int left = Math.Clamp(cx + (block / 2) - (side / 2), 0, Width - side), top = Math.Clamp(cy + (block / 2) - (side / 2), 0, Height - side);
        Image Crop(Image image) => image.ExtractArea(left, top, side, side);
        Image Grey(Image alpha) => alpha.Bands == 1 ? alpha.Bandjoin([alpha, alpha]) : alpha.Copy();
        Image OnGrey(Image rgb, Image alpha)
        {
            using Image a = alpha.Cast(Enums.BandFormat.Float) / 255.0;
            using Image mixed = (rgb.Cast(Enums.BandFormat.Float) * a) + ((1.0 - a) * 128.0);
            return mixed.Cast(Enums.BandFormat.Uchar);
        }

        using Image c1 = Crop(composite), c2 = Crop(truth), c3 = Crop(model), c4 = Crop(refined), c5 = Crop(colour);
        using Image g2 = Grey(c2), g3 = Grey(c3), g4 = Grey(c4), o3 = OnGrey(c1, c3), o4 = OnGrey(c5, c4);
        using Image row = Image.Arrayjoin([c1, g2, g3, g4, o3, o4], shim: 4, background: [255]);
        row.WriteToFile(path);
    }

    /// <summary>
    /// A 12 MP cut-out job's own work as the pipeline does it (decode, ISNet, matte scaled up, compose, PNG encode),
    /// with and without the refinement, so its share of the job's time is measured rather than guessed.
    /// </summary>
    private static void TimeRefinementAt12MP(IsNetSegmenter segmenter, string composite)
    {
        if (!File.Exists(composite))
        {
            return;
        }

        using Image source = Image.NewFromFile(composite);
        using Image big = Regions.ToExactSize(source, 4000, 3000, Enums.Kernel.Lanczos3).Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
        byte[] jpeg = big.JpegsaveBuffer(q: 92);
        var options = new RemoveBackgroundOptions();
        var jobWithout = new List<double>();
        var jobWith = new List<double>();
        var refine = new List<double>();
        var segment = new List<double>();
        var compose = new List<double>();
        var composePlain = new List<double>();
        // A first round of each is not counted: a server runs warm (its first job after start-up pays for the heap's
        // growth and libvips' start), and in a fresh process the first refinement paid that as part of its share.
        for (int run = -1; run < 5; run++)
        {
            foreach (bool withRefinement in new[] { run % 2 == 0, run % 2 != 0 })
            {
                var clock = Stopwatch.StartNew();
                using Segmentation segmentation = segmenter.SegmentAsync(jpeg, null, CancellationToken.None).GetAwaiter().GetResult();
                double segmented = clock.Elapsed.TotalSeconds;
                using Image photo = ImageDecoder.DecodeUpright(jpeg);
                using Image matte = Matte.ToSize(segmentation.Matte, photo.Width, photo.Height);
                var step = Stopwatch.StartNew();
                (Image alpha, Image colour) = withRefinement
                    ? MatteRefiner.Refine(photo, matte, MatteRefiner.For(SubjectType.Photo, photo.Width, photo.Height))
                    : (matte.Copy(), photo.Copy());
                if (withRefinement && run >= 0)
                {
                    refine.Add(step.Elapsed.TotalSeconds);
                }

                using (alpha)
                using (colour)
                {
                    step.Restart();
                    using Image result = Compositor.Compose(colour, alpha, options, null);
                    ImageEncoder.Encode(result, OutputFormat.Png, 90, 4);
                    if (run >= 0)
                    {
                        (withRefinement ? compose : composePlain).Add(step.Elapsed.TotalSeconds);
                    }
                }

                if (run >= 0)
                {
                    (withRefinement ? jobWith : jobWithout).Add(clock.Elapsed.TotalSeconds);
                    segment.Add(segmented);
                }
            }
        }

        double Median(List<double> values)
        {
            values.Sort();
            return values[values.Count / 2];
        }

        double without = Median(jobWithout), with = Median(jobWith), added = Median(refine) + Median(compose) - Median(composePlain);
        Console.WriteLine($"12 MP (4000x3000) model route, median of 5 each after one of each not counted, alternating: whole job without refinement {without:0.00} s, with {with:0.00} s (ISNet's time varies by a second between runs: {Median(segment):0.00} s median)");
        Console.WriteLine($"  after the model: without, decode + compose + PNG {Median(composePlain):0.00} s; with, decode + refine {Median(refine):0.00} s then compose + PNG {Median(compose):0.00} s: refinement adds {added:0.00} s = {added / without * 100:0}% of the job (target <= 15%)");
    }

    private static void TimeAt12MP()
    {
        using Image alpha = Image.Text("<b>LOGO 12</b>", font: "sans 600", dpi: 72);
        using Image placed = alpha.Embed((4000 - alpha.Width) / 2, (3000 - alpha.Height) / 2, 4000, 3000, extend: Enums.Extend.Black);
        using Image a = placed.Cast(Enums.BandFormat.Float) / 255.0;
        using Image logo = ((a * new double[] { 20, 90, 200 }) + ((1.0 - a) * new double[] { 250, 250, 245 })).Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
        var times = new List<double>();
        for (int run = 0; run < 3; run++)
        {
            var clock = Stopwatch.StartNew();
            BorderKey.Border border = BorderKey.Analyse(logo);
            (Image keyed, Image colour) = BorderKey.Key(logo, border.Colour, border.Noise);
            keyed.Dispose();
            colour.Dispose();
            times.Add(clock.Elapsed.TotalSeconds);
        }

        times.Sort();
        Console.WriteLine($"12 MP (4000x3000) graphic: classify + key median {times[1]:0.00} s of 3 (no model run)");
    }

    private static void Print(string label, IReadOnlyList<Row> rows)
    {
        Metrics a = Mean(rows.Select(r => r.A)), b = Mean(rows.Select(r => r.B));
        Console.WriteLine($"{label,-18} {Pair(a.Sad, b.Sad, "0.0"),15} {Pair(a.Mse, b.Mse, "0.00"),13} {Pair(a.Gradient, b.Gradient, "0.0"),15} {Pair(a.IoU, b.IoU, "0.000"),13} {Pair(a.BandSad, b.BandSad, "0.0"),15} {Pair(a.BandMse, b.BandMse, "0.0"),15} {Pair(a.Colour, b.Colour, "0.0"),13}");
    }

    private static string Pair(double a, double b, string format) => $"{a.ToString(format, System.Globalization.CultureInfo.InvariantCulture)} / {b.ToString(format, System.Globalization.CultureInfo.InvariantCulture)}";

    private static Metrics Mean(IEnumerable<Metrics> all)
    {
        Metrics[] m = [.. all];
        return new Metrics(m.Average(x => x.Sad), m.Average(x => x.Mse), m.Average(x => x.Gradient), m.Average(x => x.IoU), m.Average(x => x.BandSad), m.Average(x => x.BandMse), m.Average(x => x.Colour));
    }

    private static Metrics Score(byte[] alpha, byte[] truth, bool[] band, byte[] colour, byte[] trueColour)
    {
        double sad = 0, sse = 0, bandSad = 0, bandSse = 0, colourError = 0;
        long inter = 0, union = 0, bandCount = 0, colourCount = 0;
        for (int i = 0; i < truth.Length; i++)
        {
            double e = (alpha[i] - truth[i]) / 255.0;
            sad += Math.Abs(e);
            sse += e * e;
            bool p = alpha[i] >= 128, t = truth[i] >= 128;
            inter += p && t ? 1 : 0;
            union += p || t ? 1 : 0;
            if (!band[i])
            {
                continue;
            }

            bandSad += Math.Abs(e);
            bandSse += e * e;
            bandCount++;
            if (truth[i] > 13)
            {
                for (int c = 0; c < 3; c++)
                {
                    colourError += Math.Abs(colour[(i * 3) + c] - trueColour[(i * 3) + c]) / 3.0;
                }

                colourCount++;
            }
        }

        return new Metrics(
            sad / 1000, sse / truth.Length * 1000, GradientError(alpha, truth) / 1000, union == 0 ? 1 : inter / (double)union,
            bandSad / 1000, bandCount == 0 ? 0 : bandSse / bandCount * 1000, colourCount == 0 ? 0 : colourError / colourCount);
    }

    /// <summary>Sum of squared differences of the gradient magnitudes (first derivatives of a Gaussian, σ = 1.4), as Composition-1k scores.</summary>
    private static double GradientError(byte[] alpha, byte[] truth)
    {
        double[] ga = Gradient(alpha), gt = Gradient(truth);
        double sum = 0;
        for (int i = 0; i < ga.Length; i++)
        {
            double d = ga[i] - gt[i];
            sum += d * d;
        }

        return sum;
    }

    private static double[] Gradient(byte[] alpha)
    {
        using Image image = Image.NewFromMemory(alpha, Width, Height, 1, Enums.BandFormat.Uchar);
        using Image smooth = (image.Cast(Enums.BandFormat.Float) / 255.0).Gaussblur(1.4);
        float[] s = smooth.WriteToMemory<float>();
        double[] g = new double[s.Length];
        for (int y = 1; y < Height - 1; y++)
        {
            for (int x = 1; x < Width - 1; x++)
            {
                int i = (y * Width) + x;
                double gx = (s[i + 1] - s[i - 1]) / 2, gy = (s[i + Width] - s[i - Width]) / 2;
                g[i] = Math.Sqrt((gx * gx) + (gy * gy));
            }
        }

        return g;
    }

    /// <summary>Pixels within <paramref name="reach"/> (chessboard) of the true edge: partial alpha, or a change across a neighbour.</summary>
    private static bool[] Band(byte[] truth, int width, int height, int reach)
    {
        bool[] edge = new bool[truth.Length];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int i = (y * width) + x;
                bool partial = truth[i] is > 0 and < 255;
                bool step = (x + 1 < width && (truth[i] >= 128) != (truth[i + 1] >= 128)) || (y + 1 < height && (truth[i] >= 128) != (truth[i + width] >= 128));
                edge[i] = partial || step;
            }
        }

        // Separable running maximum over a (2·reach + 1) square.
        bool[] rows = new bool[truth.Length], band = new bool[truth.Length];
        for (int y = 0; y < height; y++)
        {
            int last = -reach - 1;
            for (int x = 0; x < width + reach; x++)
            {
                if (x < width && edge[(y * width) + x])
                {
                    last = x;
                }

                int target = x - reach;
                if (target >= 0)
                {
                    rows[(y * width) + target] = x - last <= 2 * reach;
                }
            }
        }

        for (int x = 0; x < width; x++)
        {
            int last = -reach - 1;
            for (int y = 0; y < height + reach; y++)
            {
                if (y < height && rows[(y * width) + x])
                {
                    last = y;
                }

                int target = y - reach;
                if (target >= 0)
                {
                    band[(target * width) + x] = y - last <= 2 * reach;
                }
            }
        }

        return band;
    }

    /// <summary>A subject's alpha of one kind, drawn at 4x and averaged down (exact fractional coverage at its edges).</summary>
    private static Image SubjectAlpha(string type, Random random)
    {
        int w = Width * Super, h = Height * Super;
        using Image canvas = Image.Black(w, h);
        double cx = w * (0.4 + (0.2 * random.NextDouble())), cy = h * (0.45 + (0.15 * random.NextDouble()));
        double rx = w * (0.14 + (0.08 * random.NextDouble())), ry = h * (0.18 + (0.1 * random.NextDouble()));
        using Image drawn = canvas.Mutate(m =>
        {
            void Disc(double x, double y, double r) => m.DrawCircle([255], (int)x, (int)y, Math.Max(1, (int)r), fill: true);
            void Stroke(double x0, double y0, double angle, double length, double width, double curl)
            {
                double x = x0, y = y0;
                for (double s = 0; s < length; s += Math.Max(1, width / 2))
                {
                    Disc(x, y, width / 2);
                    angle += curl;
                    x += Math.Cos(angle) * Math.Max(1, width / 2);
                    y += Math.Sin(angle) * Math.Max(1, width / 2);
                }
            }

            void Ellipse(double x, double y, double ax, double ay)
            {
                for (double yy = -ay; yy <= ay; yy += 1)
                {
                    double half = ax * Math.Sqrt(Math.Max(0, 1 - (yy * yy / (ay * ay))));
                    m.DrawRect([255], (int)(x - half), (int)(y + yy), Math.Max(1, (int)(2 * half)), 1, fill: true);
                }
            }

            switch (type)
            {
                case "fur":
                    Ellipse(cx, cy, rx, ry);
                    for (int i = 0; i < 700; i++)
                    {
                        double t = random.NextDouble() * 2 * Math.PI;
                        double x = cx + (rx * 0.97 * Math.Cos(t)), y = cy + (ry * 0.97 * Math.Sin(t));
                        Stroke(x, y, t + ((random.NextDouble() - 0.5) * 0.8), Super * (8 + (random.NextDouble() * 22)), Super * (0.6 + (random.NextDouble() * 0.8)), (random.NextDouble() - 0.5) * 0.05);
                    }

                    break;
                case "hair":
                    Ellipse(cx, cy, rx * 0.8, ry);
                    for (int i = 0; i < 260; i++)
                    {
                        double t = Math.PI + (random.NextDouble() * Math.PI);
                        double x = cx + (rx * 0.78 * Math.Cos(t)), y = cy + (ry * 0.95 * Math.Sin(t));
                        Stroke(x, y, t + ((random.NextDouble() - 0.5) * 0.6), Super * (30 + (random.NextDouble() * 90)), Super * (0.5 + (random.NextDouble() * 0.7)), (random.NextDouble() - 0.5) * 0.03);
                    }

                    break;
                case "product":
                    int bw = (int)(rx * 1.4), bh = (int)(ry * 1.6), corner = (int)(Math.Min(bw, bh) * 0.15);
                    m.DrawRect([255], (int)(cx - (bw / 2)) + corner, (int)(cy - (bh / 2)), bw - (2 * corner), bh, fill: true);
                    m.DrawRect([255], (int)(cx - (bw / 2)), (int)(cy - (bh / 2)) + corner, bw, bh - (2 * corner), fill: true);
                    foreach ((int sx, int sy) in new[] { (-1, -1), (1, -1), (-1, 1), (1, 1) })
                    {
                        Disc(cx + (sx * ((bw / 2) - corner)), cy + (sy * ((bh / 2) - corner)), corner);
                    }

                    m.DrawRect([255], (int)(cx - (bw / 6)), (int)(cy - (bh / 2) - (bh / 5)), bw / 3, (bh / 5) + 2, fill: true);
                    break;
                case "thin":
                    Ellipse(cx, cy, rx * 0.7, ry * 0.5);
                    for (int i = 0; i < 8; i++)
                    {
                        double t = (i / 8.0 * 2 * Math.PI) + (random.NextDouble() * 0.3);
                        Stroke(cx + (rx * 0.6 * Math.Cos(t)), cy + (ry * 0.4 * Math.Sin(t)), t, Super * (80 + (random.NextDouble() * 160)), Super * (1.5 + (random.NextDouble() * 3)), (random.NextDouble() - 0.5) * 0.01);
                    }

                    break;
                default:
                    Stroke(cx, cy + ry, -Math.PI / 2, ry * 2, Super * 4, 0.002);
                    for (int i = 0; i < 40; i++)
                    {
                        double x = cx + ((random.NextDouble() - 0.5) * rx * 2), y = cy + ((random.NextDouble() - 0.5) * ry * 1.6);
                        Ellipse(x, y, Super * (10 + (random.NextDouble() * 18)), Super * (5 + (random.NextDouble() * 8)));
                    }

                    break;
            }
        });
        using Image small = drawn.Shrink(Super, Super);
        return small.Cast(Enums.BandFormat.Uchar);
    }

    /// <summary>A subject of one of the photographic kinds at a third of its size, somewhere in the frame: a small subject in a large photo.</summary>
    private static Image SmallAlpha(int k, Random random)
    {
        string[] kinds = ["fur", "hair", "product", "thin"];
        using Image whole = SubjectAlpha(kinds[k % kinds.Length], random);
        using Image third = whole.Resize(1 / 3.0, kernel: Enums.Kernel.Linear);
        int left = random.Next(Width - third.Width), top = random.Next(Height - third.Height);
        using Image placed = third.Embed(left, top, Width, Height, extend: Enums.Extend.Black);
        return placed.Cast(Enums.BandFormat.Uchar);
    }

    /// <summary>A flat-colour logo's alpha: a ring, a bar and letters, drawn at 4x and averaged down.</summary>
    private static Image GraphicAlpha(Random random)
    {
        int w = Width * Super, h = Height * Super;
        using Image text = Image.Text($"<b>LOGO {random.Next(10, 99)}</b>", font: $"sans {Super * 120}", dpi: 72);
        using Image canvas = Image.Black(w, h);
        int cx = w / 2, cy = h / 2, r = h / 5;
        using Image ring = canvas.Mutate(m =>
        {
            m.DrawCircle([255], cx - (w / 5), cy, r, fill: true);
            m.DrawCircle([0], cx - (w / 5), cy, (int)(r * 0.7), fill: true);
            m.DrawRect([255], cx - (w / 10), cy + (r / 2), w / 3, r / 4, fill: true);
        });
        using Image placed = text.Embed(cx - (w / 12), cy - (text.Height / 2) - (r / 3), w, h, extend: Enums.Extend.Black);
        using Image both = ring.Cast(Enums.BandFormat.Uchar) | placed.Cast(Enums.BandFormat.Uchar);
        using Image small = both.Shrink(Super, Super);
        return small.Cast(Enums.BandFormat.Uchar);
    }

    /// <summary>The photo as the segment stage feeds it to ISNet (1024 x 1024 RGB), for the second pass's look at focus.</summary>
    private static byte[] ModelInput(byte[] jpeg)
    {
        using Image input = ImageDecoder.DecodeForModel(jpeg, 1024, 1024);
        return input.WriteToMemory<byte>();
    }

    private static Image Flat(Random random)
    {
        using Image black = Image.Black(Width, Height, bands: 3);
        return (black + new double[] { random.Next(256), random.Next(256), random.Next(256) }).Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
    }

    /// <summary>A photo's texture as the subject's colour: a random crop scaled to cover the frame.</summary>
    private static Image Texture(Image photo, Random random)
    {
        int cw = photo.Width * 2 / 3, ch = photo.Height * 2 / 3;
        using Image crop = photo.ExtractArea(random.Next(photo.Width - cw), random.Next(photo.Height - ch), cw, ch);
        return Regions.ToExactSize(crop, Width, Height, Enums.Kernel.Lanczos3).Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
    }

    /// <summary>Backgrounds: a real photo, the same blurred (shallow depth of field), or a plain colour.</summary>
    private static Image Backdrop(Image[] photos, int k, Random random)
    {
        using Image photo = Regions.ToExactSize(photos[(k + 1) % photos.Length], Width, Height, Enums.Kernel.Lanczos3).Cast(Enums.BandFormat.Uchar);
        return (k % 3) switch
        {
            0 => photo.Copy(interpretation: Enums.Interpretation.Srgb),
            1 => photo.Gaussblur(12).Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb),
            _ => Flat(random),
        };
    }

    private sealed record Metrics(double Sad, double Mse, double Gradient, double IoU, double BandSad, double BandMse, double Colour);

    private sealed record Row(string Id, string Type, string Route, Metrics A, Metrics B);
}
