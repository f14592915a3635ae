using Darkroom.Core.Options;
using Darkroom.Imaging;
using NetVips;

namespace Darkroom.Inference.Tests;

[TestClass]
public sealed class WatermarkMaskTests
{
    private static ModelSessions s_sessions = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static void Load(TestContext _) => s_sessions = Models.Sessions();

    [ClassCleanup]
    public static void Unload() => s_sessions.Dispose();

    /// <remarks>
    /// The mask as detected, grown by 1 px (dilate: 1); measured: recall 0.93–1.0, precision 0.53–0.68 before the auto
    /// mask was completed along its strokes (README). Completion lowered the astronaut's precision to 0.41 (it follows
    /// light strokes of the suit and helmet beside the text) while it raised recall and PSNR on the watermark
    /// benchmark; its floor is set from that measurement, the others kept.
    /// </remarks>
    [TestMethod]
    [DataRow(TestImages.Coffee, MaskMode.Auto, 0.5)]
    [DataRow(TestImages.Cat, MaskMode.Auto, 0.5)]
    [DataRow(TestImages.Astronaut, MaskMode.Auto, 0.4)]
    [DataRow(TestImages.Coffee, MaskMode.Text, 0.5)]
    public async Task AutoMask_DrawnWatermark_IsFoundWithHighRecallAndFairPrecision(string photo, MaskMode mode, double minPrecision)
    {
        (byte[] png, Image clean, byte[] truth) = TestImages.Watermarked(photo);
        using Image _ = clean;
        using Image marked = ImageDecoder.DecodeUpright(png);

        IReadOnlyList<TextBox> boxes = await new TextDetector(s_sessions).DetectAsync(marked, TestContext.CancellationToken);
        byte[] mask = WatermarkMasker.Build(marked, boxes, mode);
        MaskOps.Dilate(mask, marked.Width, marked.Height, 1);

        (double recall, double precision) = TestImages.Overlap(mask, truth);
        TestContext.WriteLine($"{photo} {mode}: {boxes.Count} boxes, recall {recall:0.000}, precision {precision:0.000}");
        Assert.IsGreaterThanOrEqualTo(0.9, recall);
        Assert.IsGreaterThanOrEqualTo(minPrecision, precision);
    }

    /// <remarks>
    /// The benchmark's tiled mark at 60 % on the coffee, saved as JPEG q90. The repetition finds every instance's
    /// strokes, but the completion's opacity test against the ground beside the strokes dropped the whole instance at
    /// the top edge (over wood and the cup's rim): recall 0.898 in the benchmark. What the repetition found now stays.
    /// </remarks>
    [TestMethod]
    public void AutoMask_TiledMark_KeepsEveryInstanceTheRepetitionFound()
    {
        using Image source = Image.NewFromBuffer(TestImages.Photo(TestImages.Coffee));
        using Image photo = source.ExtractBand(0, n: 3);
        (Image coverage, _, _) = TestImages.TiledMark(photo.Width, photo.Height);
        using (coverage)
        {
            using Image alpha = coverage.Cast(Enums.BandFormat.Float) / 255.0 * 0.6;
            using Image blended = TestImages.WhiteOver(photo, alpha);
            using Image marked = ImageDecoder.DecodeUpright(blended.JpegsaveBuffer(q: 90));
            byte[] truth = (coverage > 0).Cast(Enums.BandFormat.Uchar).WriteToMemory<byte>();

            byte[] mask = WatermarkMasker.Build(marked, [], MaskMode.Auto);
            MaskOps.Dilate(mask, marked.Width, marked.Height, 2);

            (double recall, double precision) = TestImages.Overlap(mask, truth);
            TestContext.WriteLine($"recall {recall:0.000}, precision {precision:0.000}, cover {MaskOps.Coverage(mask):P1}");
            Assert.IsGreaterThanOrEqualTo(0.93, recall);
            Assert.IsGreaterThanOrEqualTo(0.7, precision);
        }
    }
}
