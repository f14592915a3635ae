using NetVips;

namespace Darkroom.Imaging.Tests;

[TestClass]
public sealed class ImageDecoderTests
{
    [TestMethod]
    public void DecodeUpright_ExifOrientation6_IsRotatedToMatchTheUprightPhoto()
    {
        byte[] original = TestImages.Photo(TestImages.Cat);
        using Image upright = Image.NewFromBuffer(original);
        using Image sideways = upright.Rot(Enums.Angle.D270);
        byte[] tagged = ImageProbeTests.Rotated(sideways.JpegsaveBuffer(q: 95), orientation: 6);

        using Image decoded = ImageDecoder.DecodeUpright(tagged);

        Assert.AreEqual(451, decoded.Width);
        Assert.AreEqual(300, decoded.Height);
        using Image difference = (decoded - upright).Abs();
        Assert.IsLessThan(6.0, difference.Avg(), "the decoded photo should match the upright original up to JPEG noise");
    }

    [TestMethod]
    public void DecodeUpright_DisplayP3Profile_IsConvertedToSrgb()
    {
        using Image srgb = Image.NewFromBuffer(TestImages.Photo(TestImages.Coffee));
        using Image p3 = srgb.IccTransform("p3", inputProfile: "srgb");
        byte[] tiff = p3.TiffsaveBuffer();
        using Image naive = Image.NewFromBuffer(tiff);

        using Image decoded = ImageDecoder.DecodeUpright(tiff);

        using Image honoured = (decoded - srgb).Abs();
        using Image ignored = (naive - srgb).Abs();
        Assert.IsLessThan(2.0, honoured.Avg(), "with the profile applied the colours come back");
        Assert.IsGreaterThan(honoured.Avg() * 2, ignored.Avg(), "ignoring the profile would have shifted them");
    }

    [TestMethod]
    public void DecodeUpright_GreyPng_BecomesThreeBandSrgb()
    {
        using Image grey = (Image.Black(40, 30) + 90).Cast(Enums.BandFormat.Uchar);

        using Image decoded = ImageDecoder.DecodeUpright(grey.PngsaveBuffer());

        Assert.AreEqual(3, decoded.Bands);
        Assert.AreEqual(Enums.BandFormat.Uchar, decoded.Format);
        Assert.AreEqual(90, decoded.Avg(), 1.0);
    }

    [TestMethod]
    public void DecodeForModel_SqueezesToTheModelSize()
    {
        using Image input = ImageDecoder.DecodeForModel(TestImages.Photo(TestImages.Coffee), 320, 320);

        Assert.AreEqual(320, input.Width);
        Assert.AreEqual(320, input.Height);
        Assert.AreEqual(3, input.Bands);
    }
}
