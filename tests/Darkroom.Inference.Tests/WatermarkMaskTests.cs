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

    /// <remarks>The mask as detected, grown by 1 px (dilate: 1); measured: recall 0.93–1.0, precision 0.53–0.68 (README).</remarks>
    [TestMethod]
    [DataRow(TestImages.Coffee, MaskMode.Auto)]
    [DataRow(TestImages.Cat, MaskMode.Auto)]
    [DataRow(TestImages.Astronaut, MaskMode.Auto)]
    [DataRow(TestImages.Coffee, MaskMode.Text)]
    public async Task AutoMask_DrawnWatermark_IsFoundWithHighRecallAndFairPrecision(string photo, MaskMode mode)
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
        Assert.IsGreaterThanOrEqualTo(0.5, precision);
    }
}
