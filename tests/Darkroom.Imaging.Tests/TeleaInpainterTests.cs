using NetVips;

namespace Darkroom.Imaging.Tests;

[TestClass]
public sealed class TeleaInpainterTests
{
    public TestContext TestContext { get; set; } = null!;

    /// <remarks>Floors set from measurement (README "Figures"): PSNR inside the mask against the clean photo.</remarks>
    [TestMethod]
    [DataRow(TestImages.Coffee, 20.0)]
    [DataRow(TestImages.Cat, 30.0)]
    [DataRow(TestImages.Astronaut, 17.0)]
    public void Inpaint_DrawnWatermark_RestoresThePhotoInsideTheMask(string photo, double floor)
    {
        (byte[] png, Image clean, byte[] truth) = TestImages.Watermarked(photo);
        using Image _ = clean;
        using Image marked = Image.NewFromBuffer(png);
        byte[] pixels = marked.WriteToMemory<byte>();
        byte[] mask = (byte[])truth.Clone();
        MaskOps.Dilate(mask, marked.Width, marked.Height, 2);

        TeleaInpainter.Inpaint(pixels, mask, marked.Width, marked.Height, marked.Bands, radius: 5);
        using Image result = Image.NewFromMemory(pixels, marked.Width, marked.Height, marked.Bands, Enums.BandFormat.Uchar);

        double before = TestImages.PsnrInside(marked, clean, mask), after = TestImages.PsnrInside(result, clean, mask);
        TestContext.WriteLine($"{photo}: PSNR inside mask {before:0.0} dB watermarked, {after:0.0} dB inpainted");
        Assert.IsGreaterThanOrEqualTo(floor, after);
        Assert.IsGreaterThan(before + 5, after);
    }

    [TestMethod]
    public void Inpaint_LeavesPixelsOutsideTheMaskUntouched()
    {
        using Image photo = Image.NewFromBuffer(TestImages.Photo(TestImages.Cat));
        byte[] original = photo.WriteToMemory<byte>();
        byte[] pixels = (byte[])original.Clone();
        using Image box = TestImages.Box(photo.Width, photo.Height, 100, 100, 40, 20);
        byte[] mask = box.WriteToMemory<byte>();

        TeleaInpainter.Inpaint(pixels, mask, photo.Width, photo.Height, 3, radius: 5);

        int changedOutside = 0;
        for (int i = 0; i < mask.Length; i++)
        {
            if (mask[i] == 0 && (pixels[i * 3] != original[i * 3] || pixels[(i * 3) + 1] != original[(i * 3) + 1] || pixels[(i * 3) + 2] != original[(i * 3) + 2]))
            {
                changedOutside++;
            }
        }

        Assert.AreEqual(0, changedOutside);
    }

    [TestMethod]
    public void Inpaint_FlatRegion_FillsWithTheSurroundingColour()
    {
        byte[] pixels = new byte[50 * 40 * 3];
        for (int i = 0; i < pixels.Length; i += 3)
        {
            (pixels[i], pixels[i + 1], pixels[i + 2]) = ((byte)10, (byte)120, (byte)200);
        }

        byte[] mask = new byte[50 * 40];
        for (int y = 10; y < 30; y++)
        {
            for (int x = 15; x < 35; x++)
            {
                mask[(y * 50) + x] = 255;
                pixels[((y * 50) + x) * 3] = 255;
            }
        }

        TeleaInpainter.Inpaint(pixels, mask, 50, 40, 3, radius: 3);

        int centre = ((20 * 50) + 25) * 3;
        CollectionAssert.AreEqual(new byte[] { 10, 120, 200 }, pixels[centre..(centre + 3)]);
    }

    [TestMethod]
    public void Dilate_GrowsRoundly()
    {
        byte[] mask = new byte[21 * 21];
        mask[(10 * 21) + 10] = 255;

        MaskOps.Dilate(mask, 21, 21, 5);

        Assert.AreEqual(255, mask[(10 * 21) + 15], "5 px to the right is inside");
        Assert.AreEqual(0, mask[(15 * 21) + 15], "the square's corner (7 px away) is not");
        Assert.AreEqual(0, mask[(10 * 21) + 16]);
    }
}
