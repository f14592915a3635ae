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
}
