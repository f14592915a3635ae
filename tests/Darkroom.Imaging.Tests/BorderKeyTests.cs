using Darkroom.Imaging;
using NetVips;

namespace Darkroom.Imaging.Tests;

[TestClass]
public sealed class BorderKeyTests
{
    public TestContext TestContext { get; set; } = null!;

    /// <summary>Anti-aliased blue letters on off-white, composited with a known alpha.</summary>
    private static (Image Logo, byte[] Truth) Logo(int width = 640, int height = 360)
    {
        using Image text = Image.Text("<b>LOGO 42</b>", font: "sans 90", dpi: 72);
        using Image placed = text.Embed((width - text.Width) / 2, (height - text.Height) / 2, width, height, extend: Enums.Extend.Black);
        using Image a = placed.Cast(Enums.BandFormat.Float) / 255.0;
        Image logo = ((a * new double[] { 20, 90, 200 }) + ((1.0 - a) * new double[] { 250, 248, 240 })).Round(Enums.OperationRound.Rint).Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
        return (logo, placed.Cast(Enums.BandFormat.Uchar).WriteToMemory<byte>());
    }

    [TestMethod]
    public void Key_OfALogoOnFlatColour_GivesBackItsAlpha_AndItsOwnColourAtTheEdge()
    {
        (Image logo, byte[] truth) = Logo();
        using (logo)
        {
            BorderKey.Border border = BorderKey.Analyse(logo);
            Assert.IsTrue(border.Flat, $"the border is one colour: {border}");
            Assert.IsTrue(border.Graphic, $"and the inside a few colours: {border}");
            CollectionAssert.AreEqual(new byte[] { 250, 248, 240 }, border.Colour);

            (Image alpha, Image foreground) = BorderKey.Key(logo, border.Colour, border.Noise);
            using (alpha)
            using (foreground)
            {
                byte[] a = alpha.WriteToMemory<byte>(), f = foreground.WriteToMemory<byte>();
                (double recall, double precision) = TestImages.Overlap([.. a.Select(v => (byte)(v >= 128 ? 1 : 0))], [.. truth.Select(v => (byte)(v >= 128 ? 1 : 0))]);
                double edgeError = 0, colourError = 0;
                int edge = 0;
                for (int i = 0; i < truth.Length; i++)
                {
                    if (truth[i] is > 20 and < 235)
                    {
                        edgeError += Math.Abs(a[i] - truth[i]);
                        colourError += Math.Abs(f[i * 3] - 20) + Math.Abs(f[(i * 3) + 1] - 90) + Math.Abs(f[(i * 3) + 2] - 200);
                        edge++;
                    }
                }

                TestContext.WriteLine($"recall {recall:0.000} precision {precision:0.000}; edge pixels {edge}: mean alpha error {edgeError / edge:0.0} of 255, colour error {colourError / edge / 3:0.0}");
                Assert.IsGreaterThanOrEqualTo(0.995, recall);
                Assert.IsGreaterThanOrEqualTo(0.995, precision);
                Assert.IsLessThan(6, edgeError / edge, "anti-aliased edges come back at their true coverage");
                Assert.IsLessThan(8, colourError / edge / 3, "the edge's colour is the letters' blue, not a mix with the background");
            }
        }
    }

    [TestMethod]
    public void Analyse_APhotoOnASeamlessBackground_IsFlatButNotAGraphic()
    {
        using Image cat = Image.NewFromFile(RepoPaths.TestData(TestImages.Cat)).ExtractBand(0, n: 3);
        using Image subject = cat.Crop(100, 50, 200, 200);
        using Image seamless = (Image.Black(400, 300, bands: 3) + 245).Cast(Enums.BandFormat.Uchar);
        using Image product = seamless.Insert(subject, 100, 50).Copy(interpretation: Enums.Interpretation.Srgb);

        BorderKey.Border border = BorderKey.Analyse(product);

        TestContext.WriteLine(border.ToString());
        Assert.IsTrue(border.Flat);
        Assert.IsFalse(border.Graphic, "a photographed subject has too many colours to key safely");
    }

    [TestMethod]
    public void Analyse_APhoto_IsNotFlat()
    {
        foreach (string name in new[] { TestImages.Cat, TestImages.Coffee, TestImages.Astronaut })
        {
            using Image photo = Image.NewFromFile(RepoPaths.TestData(name)).ExtractBand(0, n: 3);
            BorderKey.Border border = BorderKey.Analyse(photo);
            TestContext.WriteLine($"{name}: {border}");
            Assert.IsFalse(border.Flat, name);
        }
    }
}
