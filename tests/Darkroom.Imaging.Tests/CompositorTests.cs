using Darkroom.Core.Images;
using Darkroom.Core.Options;
using NetVips;

namespace Darkroom.Imaging.Tests;

[TestClass]
public sealed class CompositorTests
{
    [TestMethod]
    public void ToSize_UpscaledMatte_IsSoftAtTheEdgeAndExactlyThePhotoSize()
    {
        (_, Image mask) = TestImages.Disc(64, 48);
        using Image small = mask;

        using Image matte = Matte.ToSize(small, 641, 479);

        Assert.AreEqual(641, matte.Width);
        Assert.AreEqual(479, matte.Height);
        using Image partial = (matte > 20) & (matte < 235);
        Assert.IsGreaterThan(0.001, partial.Avg() / 255, "a scaled matte has intermediate alpha along the edge, not a hard step");
    }

    [TestMethod]
    public void ToSize_UpscaledMatte_MatchesLibvipsBicubicEnlargement()
    {
        // A soft disc and a hard-edged square, 97x61, enlarged by non-whole factors: the written-out scaling must give
        // libvips' own bicubic enlargement (what the matte was scaled with before) to within its fixed-point rounding.
        (_, Image disc) = TestImages.Disc(97, 61);
        using Image soft = disc;
        using Image blurred = soft.Gaussblur(1.5).Cast(Enums.BandFormat.Uchar);
        using Image square = Image.Black(97, 61).Cast(Enums.BandFormat.Uchar).Mutate(m => m.DrawRect([255], 20, 10, 30, 25, fill: true));
        foreach (Image small in new[] { blurred, square })
        {
            using Image mine = Matte.ToSize(small, 400, 230);
            using Image theirs = Regions.ToExactSize(small, 400, 230, Enums.Kernel.Lanczos3);
            using Image difference = (mine.Cast(Enums.BandFormat.Int) - theirs.Cast(Enums.BandFormat.Int)).Abs();

            Assert.AreEqual(400, mine.Width);
            Assert.AreEqual(230, mine.Height);
            Assert.IsLessThanOrEqualTo(3.0, difference.Max(), "the largest difference from libvips' enlargement, in levels");
            Assert.IsLessThan(0.05, difference.Avg(), "the mean difference from libvips' enlargement, in levels");
            Assert.IsGreaterThan(10.0, mine.Deviate(), "the enlarged matte is not flat");
        }
    }

    [TestMethod]
    public void Compose_Cutout_HasTheMatteAsAlpha()
    {
        using Image photo = Photo();
        using Image matte = Half(photo);

        using Image result = Compositor.Compose(photo, matte, new RemoveBackgroundOptions(), null);

        Assert.AreEqual(4, result.Bands);
        Assert.AreEqual(0, result[3].Crop(0, 0, 10, 10).Max());
        Assert.AreEqual(255, result[3].Crop(90, 0, 10, 10).Min());
    }

    [TestMethod]
    public void Compose_BackgroundColour_FillsTransparentAreas()
    {
        using Image photo = Photo();
        using Image matte = Half(photo);

        using Image result = Compositor.Compose(photo, matte, new RemoveBackgroundOptions { Background = "#0080ff" }, null);

        Assert.AreEqual(3, result.Bands);
        double[] pixel = result.Getpoint(5, 5);
        CollectionAssert.AreEqual(new double[] { 0, 128, 255 }, pixel);
    }

    [TestMethod]
    public void Compose_BackgroundImage_ShowsThroughTransparentAreas()
    {
        using Image photo = Photo();
        using Image matte = Half(photo);
        using Image green = (Image.Black(30, 30, bands: 3) + new double[] { 0, 200, 0 }).Cast(Enums.BandFormat.Uchar);

        using Image result = Compositor.Compose(photo, matte, new RemoveBackgroundOptions(), green);

        CollectionAssert.AreEqual(new double[] { 0, 200, 0 }, result.Getpoint(5, 5));
        CollectionAssert.AreEqual(new double[] { 200, 100, 50 }, result.Getpoint(95, 5));
    }

    [TestMethod]
    public void Compose_Mask_IsOneBand()
    {
        using Image photo = Photo();
        using Image matte = Half(photo);

        using Image result = Compositor.Compose(photo, matte, new RemoveBackgroundOptions { Output = CutoutKind.Mask }, null);

        Assert.AreEqual(1, result.Bands);
        Assert.AreEqual(127.5, result.Avg(), 1.0);
    }

    [TestMethod]
    public void Compose_Crop_KeepsTheSubjectBoxPlusMargin()
    {
        using Image photo = Photo();
        using Image matte = TestImages.Box(120, 80, 40, 20, 30, 10);

        using Image result = Compositor.Compose(photo, matte, new RemoveBackgroundOptions { Crop = true, CropMargin = 5 }, null);

        Assert.AreEqual(40, result.Width);
        Assert.AreEqual(20, result.Height);
    }

    [TestMethod]
    public void Compose_PhotoWithAlpha_KeepsItsTransparency()
    {
        using Image rgb = Photo();
        using Image alpha = TestImages.Box(120, 80, 0, 0, 110, 80);
        using Image photo = rgb.Bandjoin(alpha);
        using Image matte = (Image.Black(120, 80) + 255).Cast(Enums.BandFormat.Uchar);

        using Image result = Compositor.Compose(photo, matte, new RemoveBackgroundOptions(), null);

        Assert.AreEqual(0, result[3].Crop(112, 0, 8, 80).Max(), "transparent in the upload stays transparent");
        Assert.AreEqual(255, result[3].Crop(0, 0, 100, 80).Min());
    }

    [TestMethod]
    [DataRow(OutputFormat.Png, ImageFormat.Png)]
    [DataRow(OutputFormat.WebP, ImageFormat.WebP)]
    [DataRow(OutputFormat.Jpeg, ImageFormat.Jpeg)]
    public void Encode_WritesTheAskedFormat(OutputFormat format, ImageFormat sniffed)
    {
        using Image photo = Photo();

        byte[] bytes = ImageEncoder.Encode(photo, format, 90, 4);

        Assert.AreEqual(sniffed, FormatSniffer.Sniff(bytes));
    }

    [TestMethod]
    public void Compose_Preview_IsAtMostAQuarterMegapixel_WithTheMatteScaledAlong()
    {
        using Image photo = (Image.Black(1200, 800, bands: 3) + new double[] { 200, 100, 50 }).Cast(Enums.BandFormat.Uchar);
        using Image matte = Half(photo);

        using Image result = Compositor.Compose(photo, matte, new RemoveBackgroundOptions { Size = CutoutSize.Preview }, null);

        Assert.IsLessThanOrEqualTo(CutoutSizes.PreviewPixels, (long)result.Width * result.Height);
        Assert.AreEqual(1200.0 / 800, (double)result.Width / result.Height, 0.01, "the aspect is kept");
        Assert.AreEqual(0, result[3].Crop(0, 0, 10, 10).Max());
        Assert.AreEqual(255, result[3].Crop(result.Width - 10, 0, 10, 10).Min());
    }

    [TestMethod]
    public void Compose_ChannelsAlpha_IsTheMatteAlone()
    {
        using Image photo = Photo();
        using Image matte = Half(photo);

        using Image result = Compositor.Compose(photo, matte, new RemoveBackgroundOptions { Channels = CutoutChannels.Alpha }, null);

        Assert.AreEqual(1, result.Bands);
        Assert.AreEqual(0, result.Crop(0, 0, 10, 10).Max());
        Assert.AreEqual(255, result.Crop(90, 0, 10, 10).Min());
    }

    [TestMethod]
    public void Compose_Shadow_DarkensUnderTheSubjectsBase_AndNowhereElse()
    {
        using Image photo = (Image.Black(400, 300, bands: 3) + new double[] { 200, 100, 50 }).Cast(Enums.BandFormat.Uchar);
        using Image matte = TestImages.Box(400, 300, 150, 50, 100, 180);   // a box standing at y = 230
        var options = new RemoveBackgroundOptions { Shadow = true, Background = "#ffffff" };

        using Image result = Compositor.Compose(photo, matte, options, null);
        using Image plain = Compositor.Compose(photo, matte, options with { Shadow = false }, null);

        double under = result.Crop(190, 231, 20, 4).Avg(), beside = result.Crop(20, 231, 20, 4).Avg(), above = result.Crop(190, 10, 20, 20).Avg();
        TestContext.WriteLine($"under the base {under:0.0}, beside it {beside:0.0}, above the subject {above:0.0}");
        Assert.IsLessThan(200, under, "the floor under the base is darker than the white background");
        Assert.AreEqual(255, beside, 0.5, "far beside the base the background is untouched");
        Assert.AreEqual(255, above, 0.5);
        using Image subjectDifference = (result.Crop(150, 50, 100, 170) - plain.Crop(150, 50, 100, 170)).Abs();
        Assert.AreEqual(0, subjectDifference.Max(), "the subject itself is not shaded");

        // Transparent output: the shadow is black with partial alpha, and a crop keeps it.
        using Image cutout = Compositor.Compose(photo, matte, new RemoveBackgroundOptions { Shadow = true, Crop = true }, null);
        Assert.IsGreaterThan(183, cutout.Height, "the crop reaches below the base (180 px tall) to keep the shadow");
        Assert.IsGreaterThan(30, cutout[3].Crop(0, 181, cutout.Width, 3).Max());
        Assert.IsLessThan(255, cutout[3].Crop(0, 181, cutout.Width, 3).Max());
    }

    [TestMethod]
    [DataRow(OverlayPosition.BottomRight, 0.75, 0.85)]
    [DataRow(OverlayPosition.TopLeft, 0.25, 0.15)]
    [DataRow(OverlayPosition.Centre, 0.5, 0.5)]
    public void Compose_OverlayMark_IsDrawnAtItsPlace_AtItsOpacity(OverlayPosition position, double x, double y)
    {
        using Image photo = (Image.Black(600, 400, bands: 3) + new double[] { 20, 40, 60 }).Cast(Enums.BandFormat.Uchar);
        using Image matte = TestImages.Box(600, 400, 0, 0, 600, 400);
        var mark = new OverlayMark { Text = "<ACME & Co>", Position = position, Opacity = 0.6, Scale = 0.4 };

        using Image result = Compositor.Compose(photo, matte, new RemoveBackgroundOptions { Format = OutputFormat.Png, Watermark = mark }, null);

        Assert.AreEqual(600, result.Width);
        using Image changed = (result[0] > 25).Cast(Enums.BandFormat.Uchar);
        object[] box = changed.FindTrim(threshold: 0.5, background: [0]);
        int left = (int)box[0], top = (int)box[1], width = (int)box[2], height = (int)box[3];
        TestContext.WriteLine($"mark at {left},{top} {width}x{height}; brightest red {result[0].Max()}");
        Assert.AreEqual(0.4 * 600, width, 30, "the mark spans its share of the width");
        Assert.AreEqual(x * 600, left + (width / 2.0), 60);
        Assert.AreEqual(y * 400, top + (height / 2.0), 50);
        Assert.AreEqual(20 + (0.6 * (255 - 20)), result[0].Max(), 3, "white at 60 % over the photo");
    }

    [TestMethod]
    public void Compose_TiledOverlay_CoversTheWholeResult()
    {
        using Image photo = (Image.Black(600, 400, bands: 3) + new double[] { 20, 40, 60 }).Cast(Enums.BandFormat.Uchar);
        using Image matte = TestImages.Box(600, 400, 0, 0, 600, 400);
        var mark = new OverlayMark { Text = "SAMPLE", Position = OverlayPosition.Tiled, Scale = 0.15 };

        using Image result = Compositor.Compose(photo, matte, new RemoveBackgroundOptions { Watermark = mark }, null);

        int quartersMarked = 0;
        for (int q = 0; q < 4; q++)
        {
            quartersMarked += result[0].Crop((q % 2) * 300, (q / 2) * 200, 300, 200).Max() > 60 ? 1 : 0;
        }

        Assert.AreEqual(4, quartersMarked, "every quarter of the result carries the mark");
    }

    public TestContext TestContext { get; set; } = null!;

    private static Image Photo() => (Image.Black(120, 80, bands: 3) + new double[] { 200, 100, 50 }).Cast(Enums.BandFormat.Uchar);

    /// <summary>Left half transparent, right half opaque.</summary>
    private static Image Half(Image photo) =>
        TestImages.Box(photo.Width, photo.Height, photo.Width / 2, 0, photo.Width / 2, photo.Height);
}
