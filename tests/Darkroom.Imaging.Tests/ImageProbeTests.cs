using Darkroom.Core.Errors;
using Darkroom.Core.Images;
using NetVips;

namespace Darkroom.Imaging.Tests;

[TestClass]
public sealed class ImageProbeTests
{
    [TestMethod]
    [DataRow(TestImages.Cat, 451, 300)]
    [DataRow(TestImages.Astronaut, 512, 512)]
    [DataRow(TestImages.Coffee, 600, 400)]
    public void Probe_RealPhoto_ReadsFormatAndSize(string name, int width, int height)
    {
        ImageFacts facts = Limits.Probe().Probe(TestImages.Photo(name));

        Assert.AreEqual(ImageFormat.Jpeg, facts.Format);
        Assert.AreEqual(width, facts.Width);
        Assert.AreEqual(height, facts.Height);
        Assert.AreEqual(1, facts.Orientation);
    }

    [TestMethod]
    public void Probe_ExifRotatedJpeg_ReportsDisplayedSize()
    {
        byte[] rotated = Rotated(TestImages.Photo(TestImages.Cat), orientation: 6);

        ImageFacts facts = Limits.Probe().Probe(rotated);

        Assert.AreEqual(6, facts.Orientation);
        Assert.AreEqual(300, facts.Width);
        Assert.AreEqual(451, facts.Height);
    }

    [TestMethod]
    public void Probe_ZeroBytes_IsImageEmpty() =>
        AssertCode(ErrorCodes.ImageEmpty, 400, () => Limits.Probe().Probe([]));

    [TestMethod]
    public void Probe_TextNamedPng_IsUnsupportedFormat() =>
        AssertCode(ErrorCodes.ImageUnsupportedFormat, 415, () => Limits.Probe().Probe(TestImages.Text));

    [TestMethod]
    public void Probe_Svg_IsUnsupportedFormat() =>
        AssertCode(ErrorCodes.ImageUnsupportedFormat, 415, () => Limits.Probe().Probe(TestImages.Svg));

    [TestMethod]
    public void Probe_TruncatedJpeg_IsCorrupt() =>
        AssertCode(ErrorCodes.ImageCorrupt, 422, () => Limits.Probe().Probe(TestImages.Truncated(TestImages.Coffee)));

    [TestMethod]
    public void Probe_TruncatedPng_IsCorrupt()
    {
        byte[] png = TestImages.Photo(TestImages.Cat).AsSpan().ToArray();
        using Image image = Image.NewFromBuffer(png);
        byte[] full = image.PngsaveBuffer();

        AssertCode(ErrorCodes.ImageCorrupt, 422, () => Limits.Probe().Probe(full[..(full.Length / 2)]));
    }

    [TestMethod]
    public void Probe_SixtyMegapixelPng_IsTooManyPixels()
    {
        // 10000 x 6000 of one colour compresses to a few hundred KB: a small file that would decode to 180 MB.
        using Image big = (Image.Black(10_000, 6_000) + 200).Cast(Enums.BandFormat.Uchar);
        byte[] png = big.PngsaveBuffer(compression: 9);

        AssertCode(ErrorCodes.ImageTooManyPixels, 413, () => Limits.Probe().Probe(png));
    }

    [TestMethod]
    public void Probe_OverByteLimit_IsTooLarge() =>
        AssertCode(ErrorCodes.ImageTooLarge, 413, () => Limits.Probe(o => o.MaxUploadBytes = 10_000).Probe(TestImages.Photo(TestImages.Cat)));

    [TestMethod]
    public void Probe_FormatNotAllowed_IsUnsupported() =>
        AssertCode(ErrorCodes.ImageUnsupportedFormat, 415, () => Limits.Probe(o => o.AllowedFormats = [ImageFormat.Png]).Probe(TestImages.Photo(TestImages.Cat)));

    [TestMethod]
    [DataRow("png")]
    [DataRow("webp")]
    [DataRow("gif")]
    [DataRow("tif")]
    public void Probe_OtherFormats_AreSniffedFromBytes(string suffix)
    {
        using Image cat = Image.NewFromBuffer(TestImages.Photo(TestImages.Cat));
        byte[] bytes = cat.WriteToBuffer("." + suffix);

        ImageFacts facts = Limits.Probe().Probe(bytes);

        Assert.AreEqual(451, facts.Width);
        Assert.AreEqual(suffix switch { "png" => ImageFormat.Png, "webp" => ImageFormat.WebP, "gif" => ImageFormat.Gif, _ => ImageFormat.Tiff }, facts.Format);
    }

    internal static byte[] Rotated(byte[] jpeg, int orientation)
    {
        using Image image = Image.NewFromBuffer(jpeg);
        using Image tagged = image.Mutate(m => m.Set(GValue.GIntType, "orientation", orientation));
        return tagged.JpegsaveBuffer(q: 95);
    }

    private static void AssertCode(string code, int status, Action action)
    {
        DarkroomException ex = Assert.ThrowsExactly<DarkroomException>(action);
        Assert.AreEqual(code, ex.Code, ex.Message);
        Assert.AreEqual(status, ex.Status);
    }
}
