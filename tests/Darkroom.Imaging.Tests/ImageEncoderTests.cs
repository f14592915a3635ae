using Darkroom.Core.Images;
using Darkroom.Imaging;
using NetVips;

namespace Darkroom.Imaging.Tests;

[TestClass]
public sealed class ImageEncoderTests
{
    [TestMethod]
    public void Avif_KeepsAlpha_AndDecodesBackClose()
    {
        using Image photo = Image.NewFromFile(RepoPaths.TestData(TestImages.Coffee)).ExtractBand(0, n: 3);
        using Image alpha = (Image.Black(photo.Width, photo.Height) + 255).Cast(Enums.BandFormat.Uchar).Mutate(m => m.DrawRect([0], 0, 0, 100, 100, fill: true));
        using Image rgba = photo.Bandjoin(alpha).Copy(interpretation: Enums.Interpretation.Srgb);

        byte[] avif = ImageEncoder.Encode(rgba, OutputFormat.Avif, 80, 6);

        Assert.AreEqual(ImageFormat.Avif, FormatSniffer.Sniff(avif.AsSpan(0, 32)));
        using Image back = Image.NewFromBuffer(avif);
        Assert.AreEqual(4, back.Bands);
        Assert.AreEqual(photo.Width, back.Width);
        Assert.AreEqual(0, back[3].Crop(10, 10, 50, 50).Max(), 2, "the transparent corner stays transparent");
        using Image difference = (back.ExtractBand(0, n: 3).Crop(200, 150, 100, 100).Cast(Enums.BandFormat.Float) - photo.Crop(200, 150, 100, 100).Cast(Enums.BandFormat.Float)).Abs();
        Assert.IsLessThan(6, difference.Avg(), "quality 80 keeps the photo close");
    }
}
