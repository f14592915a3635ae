using Darkroom.Core.Jobs;
using Darkroom.Imaging;
using NetVips;

namespace Darkroom.Inference.Tests;

[TestClass]
public sealed class IsNetSegmenterTests
{
    private static ModelSessions s_sessions = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static void Load(TestContext _) => s_sessions = Models.Sessions();

    [ClassCleanup]
    public static void Unload() => s_sessions.Dispose();

    /// <remarks>
    /// The fp16 build of ISNet is markedly weaker on this synthetic disc (IoU 0.64 measured against 0.998 for
    /// fp32), so its floor is its own; fp32 is the default model.
    /// </remarks>
    [TestMethod]
    [DataRow("isnet", 0.9)]
    [DataRow("isnet-fp16", 0.6)]
    public async Task Segment_DiscOnPlainBackground_MatchesTheKnownShape(string model, double floor)
    {
        (byte[] jpeg, Image mask) = TestImages.Disc();
        using Image known = mask;
        IsNetSegmenter segmenter = Models.Segmenter(s_sessions);

        using Segmentation segmentation = await segmenter.SegmentAsync(jpeg, model, TestContext.CancellationToken);
        using Image matte = Matte.ToSize(segmentation.Matte, known.Width, known.Height);

        double iou = TestImages.IoU(matte, known);
        TestContext.WriteLine($"{model}: IoU {iou:0.000}");
        Assert.IsGreaterThanOrEqualTo(floor, iou);
        Assert.AreEqual(model, segmentation.Model);
    }

    /// <summary>
    /// The memory-lean setting the README offers (the anchor's: parallel executor, graph level <c>all</c>, ONNX
    /// Runtime's arena, two inter-op threads) runs the same weights: its matte of a real photo matches the default
    /// session's to within rounding of the fused kernels.
    /// </summary>
    [TestMethod]
    public async Task Segment_WithTheParallelExecutor_GivesTheDefaultSessionsMatte()
    {
        (int worst, _) = await CompareCatMatteWithDefault(new InferenceOptions
        {
            ModelDirectory = RepoPaths.Models,
            ExecutionMode = "parallel",
            GraphOptimization = "all",
            CpuMemoryArena = true,
            InterOpThreads = 2,
        });
        Assert.IsLessThanOrEqualTo(2, worst);
    }

    /// <summary>
    /// ISNet as installed is stored in float16 with float32 input and output; on the CPU it is loaded widened to
    /// float32 (the default). The widened session's matte of a real photo matches the stored file's own session (which
    /// rounds activations to half between operators) to within a few levels, and the widened model takes float input.
    /// </summary>
    [TestMethod]
    public async Task Segment_WidenedFromHalf_GivesTheStoredModelsMatte()
    {
        byte[] file = File.ReadAllBytes(Path.Combine(RepoPaths.Models, Models.Catalog.Get("isnet").File));
        byte[]? widened = HalfWidening.Widen(file, out int halfTensors);
        Assert.IsNotNull(widened);
        TestContext.WriteLine($"float16 tensors {halfTensors}; {file.Length} -> {widened.Length} bytes");
        Assert.IsGreaterThan(200, halfTensors);
        using (var session = new Microsoft.ML.OnnxRuntime.InferenceSession(widened))
        {
            Assert.AreEqual(Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float, session.InputMetadata["input"].ElementDataType);
        }

        (int worst, double mean) = await CompareCatMatteWithDefault(new InferenceOptions { ModelDirectory = RepoPaths.Models, WidenHalfModels = false });
        Assert.IsLessThanOrEqualTo(4, worst);
        Assert.IsLessThanOrEqualTo(0.1, mean);
    }

    /// <summary>
    /// Bytes that are not a protobuf this rewrite can read are refused with the one exception the session loader catches
    /// (it then lets ONNX Runtime load the file and report on it), never a crash of another kind.
    /// </summary>
    [TestMethod]
    public void Widen_NotAModel_IsRefusedWithAReadableError()
    {
        byte[] file = File.ReadAllBytes(Path.Combine(RepoPaths.Models, Models.Catalog.Get("isnet").File));
        Assert.ThrowsExactly<InvalidDataException>(() => HalfWidening.Widen([0x0F, 0x01, 0x02], out _));
        Assert.ThrowsExactly<InvalidDataException>(() => HalfWidening.Widen(file[..4096], out _));
    }

    /// <summary>
    /// The cat photo's matte from the default sessions and from sessions made with <paramref name="settings"/>: the
    /// largest and the mean difference (of 255), after checking both are the same size and hold a subject.
    /// </summary>
    private async Task<(int Worst, double Mean)> CompareCatMatteWithDefault(InferenceOptions settings)
    {
        byte[] photo = File.ReadAllBytes(RepoPaths.TestData(TestImages.Cat));
        using Segmentation expected = await Models.Segmenter(s_sessions).SegmentAsync(photo, null, TestContext.CancellationToken);
        Microsoft.Extensions.Options.IOptions<InferenceOptions> options = Microsoft.Extensions.Options.Options.Create(settings);
        using var sessions = new ModelSessions(Models.Catalog, options, Microsoft.Extensions.Logging.Abstractions.NullLogger<ModelSessions>.Instance);
        using Segmentation actual = await new IsNetSegmenter(sessions, options, Microsoft.Extensions.Logging.Abstractions.NullLogger<IsNetSegmenter>.Instance)
            .SegmentAsync(photo, null, TestContext.CancellationToken);

        byte[] a = expected.Matte.WriteToMemory<byte>(), b = actual.Matte.WriteToMemory<byte>();
        Assert.HasCount(a.Length, b);
        Assert.IsGreaterThan(a.Length / 10, a.Count(v => v >= 128));
        int worst = a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
        double mean = a.Zip(b, (x, y) => (double)Math.Abs(x - y)).Average();
        TestContext.WriteLine($"largest difference {worst} of 255, mean {mean:0.000}; subject pixels {a.Count(v => v >= 128)}");
        return (worst, mean);
    }

    /// <summary>A model with no float16 tensor is not rewritten (loaded from its file as it is).</summary>
    [TestMethod]
    public void Widen_AFloatModel_IsLeftAlone()
    {
        byte[] tiny = File.ReadAllBytes(RepoPaths.TestData(Path.Combine("models", "tiny-imagenet.onnx")));
        Assert.IsNull(HalfWidening.Widen(tiny, out int halfTensors));
        Assert.AreEqual(0, halfTensors);
    }

    /// <summary>
    /// A small disc (radius 120) in a 2400x1600 photo: the first pass sees it about 100 model pixels across, so the
    /// segmenter runs again on its crop and returns a matte at the photo's size; a disc filling a 640x480 photo gets
    /// none (the model's size back).
    /// </summary>
    [TestMethod]
    public async Task SegmentSubject_SmallSubjectInALargePhoto_GetsASecondPassOnItsCrop()
    {
        const int width = 2400, height = 1600, cx = 560, cy = 480, radius = 120;
        using Image xy = Image.Xyz(width, height);
        using Image dx = xy[0] - cx, dy = xy[1] - cy;
        using Image distance = ((dx * dx) + (dy * dy)).Pow(0.5);
        using Image known = (distance < radius).Cast(Enums.BandFormat.Uchar);
        using Image background = Image.Black(width, height, bands: 3) + new double[] { 225, 225, 220 };
        using Image subject = Image.Black(width, height, bands: 3) + new double[] { 230, 90, 20 };
        using Image photo = known.Ifthenelse(subject, background).Cast(Enums.BandFormat.Uchar);
        byte[] jpeg = photo.JpegsaveBuffer(q: 92);
        IsNetSegmenter segmenter = Models.Segmenter(s_sessions);

        using Segmentation first = await segmenter.SegmentAsync(jpeg, null, TestContext.CancellationToken);
        using Segmentation both = await segmenter.SegmentSubjectAsync(jpeg, null, TestContext.CancellationToken);
        Assert.AreEqual(1024, first.Matte.Width);
        Assert.AreEqual(width, both.Matte.Width, "the crop's matte is kept at the photo's resolution");
        Assert.AreEqual(height, both.Matte.Height);
        using Image firstSized = Matte.ToSize(first.Matte, width, height);
        double before = TestImages.IoU(firstSized, known), after = TestImages.IoU(both.Matte, known);
        TestContext.WriteLine($"IoU one pass {before:0.0000}, with the crop's pass {after:0.0000}");
        Assert.IsGreaterThanOrEqualTo(0.97, after);
        Assert.IsGreaterThanOrEqualTo(before - 0.002, after, "the second pass is no worse than the first");
        Assert.IsLessThan(10, both.Matte.Crop(2000, 1200, 400, 400).Avg(), "far from the crop the first matte stays (background)");

        // A greyscale photo decodes to sRGB and takes the same second pass.
        using Image grey = photo.Colourspace(Enums.Interpretation.Bw);
        using Segmentation fromGrey = await segmenter.SegmentSubjectAsync(grey.JpegsaveBuffer(q: 92), null, TestContext.CancellationToken);
        Assert.AreEqual(width, fromGrey.Matte.Width);
        Assert.IsGreaterThanOrEqualTo(0.95, TestImages.IoU(fromGrey.Matte, known));

        (byte[] large, Image mask) = TestImages.Disc();
        using (mask)
        {
            using Segmentation whole = await segmenter.SegmentSubjectAsync(large, null, TestContext.CancellationToken);
            Assert.AreEqual(1024, whole.Matte.Width, "a subject filling the photo gets no second pass");
        }
    }

    /// <summary>
    /// A model torn between the subject and what lies beside it: an orange disc on a plain 2048x1536 photo, with a first
    /// matte (as the model might have left it) that holds the disc and a grey block beside it — over a fifth of the matte
    /// grey. The segmenter looks again at the subject's crop and keeps the crop's matte: the disc, without the block.
    /// The same photo with the model's own sure matte, or as a preview, gets no second pass.
    /// </summary>
    [TestMethod]
    public async Task SecondPass_UnsureMatte_LooksAgainAtTheSubjectsCrop()
    {
        const int width = 2048, height = 1536;
        using Image xy = Image.Xyz(width, height);
        using Image dx = xy[0] - 700, dy = xy[1] - 700;
        using Image known = ((((dx * dx) + (dy * dy)).Pow(0.5)) < 300).Cast(Enums.BandFormat.Uchar);
        using Image background = Image.Black(width, height, bands: 3) + new double[] { 225, 225, 220 };
        using Image subject = Image.Black(width, height, bands: 3) + new double[] { 230, 90, 20 };
        using Image photo = known.Ifthenelse(subject, background).Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
        using Image disc = Matte.ToSize(known, 1024, 1024);
        using Image block = TestImages.Box(1024, 1024, 500, 250, 200, 200);
        using Image greyBlock = (block / 255 * 150).Cast(Enums.BandFormat.Uchar);
        using Image unsure = (disc > greyBlock).Ifthenelse(disc, greyBlock).Cast(Enums.BandFormat.Uchar);
        Assert.IsGreaterThanOrEqualTo(SubjectCrop.Unsure, SubjectCrop.GreyShare(unsure.WriteToMemory<byte>()), "the premise: the matte is unsure");
        IsNetSegmenter segmenter = Models.Segmenter(s_sessions);

        using CropPass? closer = await segmenter.SecondPassAsync(photo, unsure, null, TestContext.CancellationToken);
        Assert.IsNotNull(closer);
        Assert.AreEqual(SecondPasses.Crop, closer.Kind);
        using Image closerSized = Matte.ToSize(closer.Matte, width, height);
        using Image unsureSized = Matte.ToSize(unsure, width, height);
        double before = TestImages.IoU(unsureSized, known), after = TestImages.IoU(closerSized, known);
        TestContext.WriteLine($"IoU of the unsure matte {before:0.000}, after the closer look {after:0.000}");
        Assert.IsGreaterThanOrEqualTo(0.97, after);
        using Image blockArea = closerSized.Crop(1040, 415, 320, 220);
        Assert.IsLessThan(10.0, blockArea.Avg(), "the grey block beside the disc is gone");

        using Segmentation first = await segmenter.SegmentAsync(photo.JpegsaveBuffer(q: 95), null, TestContext.CancellationToken);
        Assert.IsLessThan(SubjectCrop.Unsure, SubjectCrop.GreyShare(first.Matte.WriteToMemory<byte>()), "the model itself is sure of the disc");
        Assert.IsNull(await segmenter.SecondPassAsync(photo, first.Matte, null, TestContext.CancellationToken), "a sure matte gets no closer look");
        Assert.IsNull(await segmenter.SecondPassAsync(photo, unsure, null, TestContext.CancellationToken, cropPass: false), "nor does a preview");
    }

    /// <summary>
    /// The coffee photo blurred as a lens blurs what lies behind the subject (the cup stays the salient object), with
    /// an ellipse of the astronaut photo set sharp over it: ISNet alone takes the blurred cup; the segmenter sees that
    /// the cup's outline is soft, runs again on the sharp region's crop and keeps only what it finds there. The real
    /// cat photo (a soft furry outline before a blurred room, but a sharp face) gets no such pass.
    /// </summary>
    [TestMethod]
    public async Task SegmentSubject_BlurredObjectAndSharpSubject_RunsAgainWhereTheFocusIs()
    {
        (byte[] jpeg, Image mask) = TestImages.SharpOverBlurred();
        using Image known = mask;
        int width = known.Width, height = known.Height;
        IsNetSegmenter segmenter = Models.Segmenter(s_sessions);

        using Segmentation first = await segmenter.SegmentAsync(jpeg, null, TestContext.CancellationToken);
        using Segmentation both = await segmenter.SegmentSubjectAsync(jpeg, null, TestContext.CancellationToken);
        Assert.AreEqual(SecondPasses.Focus, both.SecondPass);
        using Image firstSized = Matte.ToSize(first.Matte, width, height);
        using Image bothSized = Matte.ToSize(both.Matte, width, height);
        double before = TestImages.IoU(firstSized, known), after = TestImages.IoU(bothSized, known);
        TestContext.WriteLine($"IoU one pass {before:0.000}, with the focus pass {after:0.000}");
        Assert.IsLessThan(0.5, before, "the premise: ISNet alone takes the blurred cup");
        Assert.IsGreaterThanOrEqualTo(0.95, after);
        using Image outside = known.Equal(0.0), cup = (firstSized >= 128) & outside;
        using Image left = cup.Ifthenelse(bothSized, 0);
        Assert.IsLessThan(2.0, left.Avg() * 255 / cup.Avg(), "the blurred cup is dropped (its mean alpha out of 255)");

        byte[] cat = TestImages.Photo(TestImages.Cat);
        using Segmentation catFirst = await segmenter.SegmentAsync(cat, null, TestContext.CancellationToken);
        using Segmentation catBoth = await segmenter.SegmentSubjectAsync(cat, null, TestContext.CancellationToken);
        using Image difference = (catFirst.Matte - catBoth.Matte).Abs();
        Assert.AreEqual(0, difference.Max(), "the cat photo keeps its first matte");
        Assert.IsNull(catBoth.SecondPass);
    }

    [TestMethod]
    public async Task Segment_CatPhoto_KeepsTheCatAndDropsTheDarkBackground()
    {
        IsNetSegmenter segmenter = Models.Segmenter(s_sessions);

        using Segmentation segmentation = await segmenter.SegmentAsync(TestImages.Photo(TestImages.Cat), null, TestContext.CancellationToken);
        using Image matte = Matte.ToSize(segmentation.Matte, 451, 300);

        // The cat's face fills the centre; the top-right corner is the black backdrop.
        Assert.IsGreaterThan(200, matte.Crop(150, 100, 120, 120).Avg());
        Assert.IsLessThan(40, matte.Crop(420, 0, 30, 30).Avg());
        using Image soft = (matte > 10) & (matte < 245);
        Assert.IsGreaterThan(0.005, soft.Avg() / 255, "fur edges get partial alpha, not a binary cut");
    }

    [TestMethod]
    public async Task Segment_TextDetectionModel_IsRefused()
    {
        IsNetSegmenter segmenter = Models.Segmenter(s_sessions);

        Core.Errors.DarkroomException ex = await Assert.ThrowsExactlyAsync<Core.Errors.DarkroomException>(
            () => segmenter.SegmentAsync(TestImages.Photo(TestImages.Cat), "ppocr-v4-det", TestContext.CancellationToken));

        Assert.AreEqual(Core.Errors.ErrorCodes.OptionsInvalid, ex.Code);
    }
}
