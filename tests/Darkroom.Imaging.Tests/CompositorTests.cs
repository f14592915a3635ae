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

    private static Image Photo() => (Image.Black(120, 80, bands: 3) + new double[] { 200, 100, 50 }).Cast(Enums.BandFormat.Uchar);

    /// <summary>Left half transparent, right half opaque.</summary>
    private static Image Half(Image photo) =>
        TestImages.Box(photo.Width, photo.Height, photo.Width / 2, 0, photo.Width / 2, photo.Height);
}
