using Darkroom.Core.Options;
using NetVips;

namespace Darkroom.Imaging.Tests;

[TestClass]
public sealed class MatteRefinerTests
{
    private const int Width = 720, Height = 540;

    public TestContext TestContext { get; set; } = null!;

    /// <summary>
    /// A warm subject (a disc with thin strands, drawn at 4x and averaged down, so its alpha is exact) over a cool
    /// textured background, as I = α·F + (1 − α)·B; and a model-like matte: the truth at a quarter of the size,
    /// blurred, scaled back up, its interior only 0.85 sure.
    /// </summary>
    private static (Image Photo, Image Coarse, byte[] Truth) Scene()
    {
        const int super = 4;
        using Image canvas = Image.Black(Width * super, Height * super);
        using Image drawn = canvas.Mutate(m =>
        {
            m.DrawCircle([255], Width * super / 2, Height * super / 2, 160 * super, fill: true);
            for (int k = 0; k < 24; k++)
            {
                double angle = k * Math.PI / 12;
                for (int s = 0; s < 40 * super; s++)
                {
                    int x = (int)((Width * super / 2) + (Math.Cos(angle) * ((160 * super) + s))), y = (int)((Height * super / 2) + (Math.Sin(angle) * ((160 * super) + s)));
                    m.DrawCircle([255], x, y, super / 2, fill: true);
                }
            }
        });
        using Image small = drawn.Shrink(super, super);
        using Image truth = small.Cast(Enums.BandFormat.Uchar);
        using Image noise = Image.Gaussnoise(Width, Height, sigma: 25, mean: 0);
        using Image a = truth.Cast(Enums.BandFormat.Float) / 255.0;
        using Image foreground = Image.Black(Width, Height, bands: 3) + new double[] { 220, 120, 40 };
        using Image background = (Image.Black(Width, Height, bands: 3) + new double[] { 40, 90, 200 }) + noise.Bandjoin([noise, noise]);
        Image photo = ((foreground * a) + (background * (1.0 - a))).Round(Enums.OperationRound.Rint).Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);

        using Image quarter = truth.Resize(0.25, kernel: Enums.Kernel.Linear);
        using Image soft = quarter.Gaussblur(1.2);
        using Image up = Regions.ToExactSize(soft, Width, Height, Enums.Kernel.Lanczos3);
        using Image unsure = up.Cast(Enums.BandFormat.Float) * 0.85;
        Image coarse = unsure.Cast(Enums.BandFormat.Uchar);
        return (photo, coarse, truth.WriteToMemory<byte>());
    }

    private static double Sad(byte[] a, byte[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += Math.Abs(a[i] - b[i]) / 255.0;
        }

        return sum;
    }

    [TestMethod]
    public void Refine_BringsTheMatteCloserToTheTruth_MakesTheInteriorOpaque_AndRecoversTheSubjectsColour()
    {
        (Image photo, Image coarse, byte[] truth) = Scene();
        using (photo)
        using (coarse)
        {
            (Image alpha, Image colour) = MatteRefiner.Refine(photo, coarse, MatteRefiner.For(SubjectType.Animal, Width, Height));
            using (alpha)
            using (colour)
            {
                Assert.AreEqual(1, alpha.Bands);
                Assert.AreEqual(3, colour.Bands);
                Assert.AreEqual(Width, alpha.Width);
                Assert.AreEqual(Height, colour.Height);
                byte[] before = coarse.WriteToMemory<byte>(), after = alpha.WriteToMemory<byte>();
                byte[] mixed = photo.WriteToMemory<byte>(), own = colour.WriteToMemory<byte>();
                double sadBefore = Sad(before, truth), sadAfter = Sad(after, truth);

                // The disc's centre (well inside) and the corners (far outside) are certain.
                int centre = ((Height / 2) * Width) + (Width / 2);
                Assert.AreEqual(255, after[centre], "confident interior is fully opaque");
                Assert.AreEqual(0, after[0], "confident background is fully transparent");
                Assert.AreEqual(0, after[^1]);

                // Where the subject is partly transparent, its colour is its own (220, 120, 40), not the mix.
                double mixError = 0, ownError = 0;
                int partial = 0;
                for (int i = 0; i < truth.Length; i++)
                {
                    if (truth[i] is > 40 and < 215 && after[i] is > 0 and < 255)
                    {
                        double[] f = [220, 120, 40];
                        for (int c = 0; c < 3; c++)
                        {
                            mixError += Math.Abs(mixed[(i * 3) + c] - f[c]) / 3.0;
                            ownError += Math.Abs(own[(i * 3) + c] - f[c]) / 3.0;
                        }

                        partial++;
                    }
                }

                TestContext.WriteLine($"SAD {sadBefore:0.0} -> {sadAfter:0.0}; {partial} partial pixels: colour error {mixError / partial:0.0} as photographed, {ownError / partial:0.0} estimated");
                Assert.IsLessThan(0.5 * sadBefore, sadAfter, "the refined matte is at least twice as close to the true alpha");
                Assert.IsGreaterThan(500, partial);
                Assert.IsLessThan(0.5 * mixError / partial, ownError / partial, "the estimated colour carries less than half the background's bleed");
            }
        }
    }

    [TestMethod]
    public void Refine_OfAOneColourPhoto_KeepsBothSidesAndTheColour()
    {
        using Image photo = (Image.Black(300, 200, bands: 3) + new double[] { 10, 200, 30 }).Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
        using Image half = Image.Black(150, 200).Embed(0, 0, 300, 200, extend: Enums.Extend.White);
        using Image coarse = half.Cast(Enums.BandFormat.Uchar);
        (Image alpha, Image colour) = MatteRefiner.Refine(photo, coarse, MatteRefiner.For(SubjectType.Product, 300, 200));
        using (alpha)
        using (colour)
        {
            byte[] a = alpha.WriteToMemory<byte>(), c = colour.WriteToMemory<byte>(), p = photo.WriteToMemory<byte>();
            Assert.AreEqual(0, a[(100 * 300) + 20], "left, far from the edge, stays background");
            Assert.AreEqual(255, a[(100 * 300) + 280], "right, far from the edge, stays subject");
            Assert.IsTrue(a.Where((v, i) => Math.Abs((i % 300) - 150) > 30).All(v => v is 0 or 255), "away from the matte's edge nothing is left partly transparent");
            Assert.IsTrue(c.Select((v, i) => Math.Abs(v - p[i])).Max() <= 2, "a one-colour photo's subject is that colour, in the band too");
        }
    }

    [TestMethod]
    public void For_WidensTheBandForHairAndFur_AndScalesItWithThePhoto()
    {
        MatteRefiner.Settings product = MatteRefiner.For(SubjectType.Product, 2048, 1536), person = MatteRefiner.For(SubjectType.Person, 2048, 1536);
        MatteRefiner.Settings big = MatteRefiner.For(SubjectType.Person, 8000, 6000);
        Assert.IsLessThan(person.Band, product.Band);
        Assert.IsLessThan(big.Band, person.Band);
        Assert.IsLessThan(big.Radius, person.Radius);
    }

    /// <summary>
    /// A model's haze: the matte at 0.25 over plain background in a wide ring around the subject (as ISNet leaves
    /// around hair). The guided filter alone keeps it (the photo there is one colour, so the fit is flat at the haze's
    /// value); reading alpha from the colours clears it, because the ring's colour is the background's.
    /// </summary>
    [TestMethod]
    public void Refine_ClearsTheModelsHazeOverBackground_ByTheColours()
    {
        const int w = 400, h = 300, cx = 200, cy = 150, radius = 80;
        using Image xy = Image.Xyz(w, h);
        using Image dx = xy[0] - cx, dy = xy[1] - cy;
        using Image distance = ((dx * dx) + (dy * dy)).Pow(0.5);
        using Image disc = (distance < radius).Ifthenelse(255, 0).Cast(Enums.BandFormat.Uchar);
        using Image ring = ((distance >= radius) & (distance < radius + 40)).Ifthenelse(64, 0).Cast(Enums.BandFormat.Uchar);
        using Image coarse = (disc | ring).Cast(Enums.BandFormat.Uchar);
        using Image a = disc.Cast(Enums.BandFormat.Float) / 255.0;
        using Image noise = Image.Gaussnoise(w, h, sigma: 4, mean: 0);
        using Image photo = (((Image.Black(w, h, bands: 3) + new double[] { 30, 60, 200 }) * a) + ((Image.Black(w, h, bands: 3) + new double[] { 230, 200, 90 }) * (1.0 - a)) + noise.Bandjoin([noise, noise]))
            .Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
        byte[] ringMask = ring.WriteToMemory<byte>();
        double HazeLeft(MatteRefiner.Settings settings)
        {
            (Image alpha, Image colour) = MatteRefiner.Refine(photo, coarse, settings);
            using (alpha)
            using (colour)
            {
                byte[] values = alpha.WriteToMemory<byte>();
                // Inside the ring but clear of the subject's own edge.
                double sum = 0;
                int count = 0;
                for (int i = 0; i < values.Length; i++)
                {
                    int x = i % w, y = i / w;
                    double d = Math.Sqrt(((x - cx) * (x - cx)) + ((y - cy) * (y - cy)));
                    if (ringMask[i] != 0 && d > radius + 3)
                    {
                        sum += values[i] / 255.0;
                        count++;
                    }
                }

                return sum / count;
            }
        }

        MatteRefiner.Settings withColours = MatteRefiner.For(SubjectType.Animal, w, h), filterOnly = withColours with { Project = false };
        double kept = HazeLeft(filterOnly), cleared = HazeLeft(withColours);
        TestContext.WriteLine($"haze left in the ring: guided filter alone {kept:0.000}, with the colours {cleared:0.000}");
        Assert.IsGreaterThan(0.1, kept, "the guided filter alone keeps the haze (the scene does test something)");
        Assert.IsLessThan(0.03, cleared, "the colours clear it");
    }

    [TestMethod]
    public void Refine_RefusesAMatteOfAnotherSize()
    {
        using Image photo = Image.Black(64, 48, bands: 3).Cast(Enums.BandFormat.Uchar);
        using Image matte = Image.Black(32, 24).Cast(Enums.BandFormat.Uchar);
        Assert.ThrowsExactly<ArgumentException>(() => MatteRefiner.Refine(photo, matte, MatteRefiner.For(SubjectType.Photo, 64, 48)));
    }
}
