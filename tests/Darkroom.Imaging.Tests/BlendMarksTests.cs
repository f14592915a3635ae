using Darkroom.Imaging;
using NetVips;

namespace Darkroom.Imaging.Tests;

/// <summary>The blend-arithmetic mark finder on real photos marked here with a ring-and-letter logo no OCR reads.</summary>
[TestClass]
public sealed class BlendMarksTests
{
    public TestContext TestContext { get; set; } = null!;

    /// <summary>A white ring with an "S" in it, centred, at this opacity (as the watermark benchmark draws its logo).</summary>
    private static (Image Marked, byte[] Truth) Logo(Image clean, double opacity)
    {
        int diameter = (int)(Math.Min(clean.Width, clean.Height) * 0.45), r = diameter / 2, stroke = Math.Max(4, diameter / 14);
        using Image xy = Image.Xyz(diameter + 4, diameter + 4) - ((diameter / 2.0) + 2);
        using Image distance = ((xy[0] * xy[0]) + (xy[1] * xy[1])).Pow(0.5);
        using Image ring = ((distance <= r) & (distance > r - stroke)).Cast(Enums.BandFormat.Uchar);
        using Image letter = Image.Text("<b>S</b>", font: $"serif {diameter / 2}", dpi: 72);
        using Image logo = ring.Insert(letter, ((diameter + 4) - letter.Width) / 2, ((diameter + 4) - letter.Height) / 2);
        using Image coverage = logo.Embed((clean.Width - logo.Width) / 2, (clean.Height - logo.Height) / 2, clean.Width, clean.Height, extend: Enums.Extend.Black);
        using Image alpha = coverage.Cast(Enums.BandFormat.Float) / 255.0 * opacity;
        Image marked = TestImages.WhiteOver(clean, alpha);
        return (marked, (coverage > 0).Cast(Enums.BandFormat.Uchar).WriteToMemory<byte>());
    }

    [TestMethod]
    [DataRow(TestImages.Cat, 0.5, 0.6)]
    [DataRow(TestImages.Coffee, 0.5, 0.4)]
    public void ALogoWithNoText_IsFoundByItsOpacity(string photo, double opacity, double minRecall)
    {
        using Image clean = Image.NewFromBuffer(TestImages.Photo(photo)).ExtractBand(0, n: 3);
        (Image marked, byte[] truth) = Logo(clean, opacity);
        using (marked)
        {
            BlendMarks.Found? found = BlendMarks.Find(marked);

            Assert.IsNotNull(found);
            Assert.AreEqual(opacity, found.Alpha, 0.06, "the histogram's peak is the mark's opacity");
            Assert.AreEqual(1, found.Polarity, "a light mark");
            (double recall, double precision) = TestImages.Overlap(found.Mask, truth);
            Assert.IsGreaterThanOrEqualTo(minRecall, recall);
            Assert.IsGreaterThanOrEqualTo(0.5, precision);
            Assert.IsLessThan(0.1, MaskOps.Coverage(found.Mask));
        }
    }

    [TestMethod]
    [DataRow(TestImages.Cat, 0.9, 0.5)]
    [DataRow(TestImages.Coffee, 0.65, 0.27)]
    public void Complete_FollowsTheRingAcrossObjects_AndDropsASpillOntoPlainGround(string photo, double minRecall, double maxSpill)
    {
        // The logo at 50 %; the mask as a finder might leave it: the ring's strokes in the top half only, plus a
        // 40x40 patch of photo with no mark on it beside the logo.
        using Image clean = Image.NewFromBuffer(TestImages.Photo(photo)).ExtractBand(0, n: 3);
        (Image marked, byte[] truth) = Logo(clean, 0.5);
        using (marked)
        {
            int width = clean.Width, height = clean.Height;
            byte[] mask = new byte[truth.Length];
            for (int i = 0; i < truth.Length; i++)
            {
                mask[i] = i / width < height / 2 ? (byte)(truth[i] * 255) : (byte)0;
            }

            (int boxLeft, int boxTop, _, _) = MaskOps.Bounds(truth, width, height)!.Value;
            int patchLeft = Math.Max(0, boxLeft - 50), patchTop = boxTop + 10;
            for (int y = patchTop; y < patchTop + 40; y++)
            {
                for (int x = patchLeft; x < patchLeft + 40; x++)
                {
                    mask[(y * width) + x] = truth[(y * width) + x] != 0 ? mask[(y * width) + x] : (byte)255;
                }
            }

            double before = TestImages.Overlap(mask, truth).Recall;
            bool changed = BlendMarks.Complete(marked, mask, 0.25);
            (double recall, double precision) = TestImages.Overlap(mask, truth);
            int spill = 0;
            for (int y = patchTop; y < patchTop + 40; y++)
            {
                for (int x = patchLeft; x < patchLeft + 40; x++)
                {
                    spill += mask[(y * width) + x] != 0 && truth[(y * width) + x] == 0 ? 1 : 0;
                }
            }

            TestContext.WriteLine($"recall {before:0.00} -> {recall:0.00}, precision {precision:0.00}, spill {spill} of 1600");
            Assert.IsTrue(changed);
            Assert.IsLessThan(0.6, before);
            // On the coffee the ring's lower half is followed but not the bold letter's (measured 0.70).
            Assert.IsGreaterThan(minRecall, recall, $"the bottom half followed: {before:0.00} -> {recall:0.00}");
            Assert.IsGreaterThan(0.6, precision);
            // On the cat about half the patch stays (measured 0.46): light strands of fur pass the blend test against the opening.
            // On the coffee 0.17 stayed with the opening 4 half-widths wide, 0.22 with 3 (BlendMarks.Window: the benchmark's
            // auto-mask PSNR rose 0.6 dB with it); 0.25 since the mask's gaps are bridged (BlendMarks.Bridge): 401 pixels, of
            // which 48 are within 20 levels of white in every channel (the cup's rim, which a white mark at 50 % changes by no
            // more, so the bridge takes them; without that rule 371).
            Assert.IsLessThan(40 * 40 * maxSpill, spill, "the unmarked patch is dropped");
        }
    }

    [TestMethod]
    [DataRow(TestImages.Astronaut)]
    [DataRow(TestImages.Coffee)]
    public void Complete_BridgesTheRingWhereItCrossesAnEdge(string photo)
    {
        // Found and completed as the automatic mask does it. Where the ring crosses the orange suit's edge and the white
        // straps (astronaut) or the cup's white rim (coffee) the opening beside the strokes reaches the other side of the
        // edge and the stroke was broken there. Measured here: recall 0.88 on both without BlendMarks.Bridge, 0.95
        // (astronaut) and 0.98 (coffee) with it; on the watermark benchmark's logo rows 0.85-0.87 before, 0.91-0.95 after.
        using Image clean = Image.NewFromBuffer(TestImages.Photo(photo)).ExtractBand(0, n: 3);
        (Image marked, byte[] truth) = Logo(clean, 0.5);
        using (marked)
        {
            BlendMarks.Found? found = BlendMarks.Find(marked);
            Assert.IsNotNull(found);
            byte[] mask = found.Mask;
            BlendMarks.Complete(marked, mask, 0.25, found.Polarity);
            MaskOps.Dilate(mask, clean.Width, clean.Height, 2); // the service's default growth, as the benchmark scores it
            (double recall, double precision) = TestImages.Overlap(mask, truth);
            TestContext.WriteLine($"recall {recall:0.000}, precision {precision:0.00}, cover {MaskOps.Coverage(mask):P1}");
            Assert.IsGreaterThanOrEqualTo(0.9, recall);
            Assert.IsLessThanOrEqualTo(0.25, MaskOps.Coverage(mask));
        }
    }

    [TestMethod]
    public void Complete_LeavesAMaskWithNoBlendedMarkAlone()
    {
        // A mask over a photo with no mark at all: its pixels agree on no opacity, so nothing is grown or kept differently.
        using Image clean = Image.NewFromBuffer(TestImages.Photo(TestImages.Cat)).ExtractBand(0, n: 3);
        byte[] mask = new byte[clean.Width * clean.Height];
        for (int y = 100; y < 140; y++)
        {
            for (int x = 100; x < 300; x++)
            {
                mask[(y * clean.Width) + x] = 255;
            }
        }

        byte[] before = (byte[])mask.Clone();
        Assert.IsFalse(BlendMarks.Complete(clean, mask, 0.25));
        CollectionAssert.AreEqual(before, mask);
    }

    [TestMethod]
    public void ExtendLines_TheFirstLettersOverAnObjectBetweenWhiteParts_AreFollowed()
    {
        // The astronaut's corner line as the watermark benchmark draws it; the text detector's box held "MPLE STOCK"
        // only. "© SA" crosses the orange suit between the white glove and a white disc: against a wide median the
        // strokes there read darker than their ground and the line ended: none of the first quarter's strokes was found.
        using Image clean = Image.NewFromFile(RepoPaths.TestData(TestImages.Astronaut)).ExtractBand(0, n: 3);
        int width = clean.Width, height = clean.Height;
        using Image text = Image.Text("<b>© SAMPLE STOCK</b>", font: $"sans {Math.Min(width, height) / 14}", dpi: 72);
        int left = width - text.Width - (width / 30), top = height - text.Height - (height / 30);
        using Image coverage = text.Embed(left, top, width, height, extend: Enums.Extend.Black);
        using Image alpha = coverage.Cast(Enums.BandFormat.Float) / 255.0 * 0.4;
        using Image marked = TestImages.WhiteOver(clean, alpha);
        byte[] truth = (coverage > 128).Cast(Enums.BandFormat.Uchar).WriteToMemory<byte>();
        int boxLeft = left + (int)(text.Width * 0.4), first = left + (int)(text.Width * 0.25);
        byte[] mask = new byte[truth.Length];
        for (int i = 0; i < truth.Length; i++)
        {
            mask[i] = i % width >= boxLeft ? truth[i] : (byte)0;
        }

        BlendMarks.ExtendLines(marked, mask, [(boxLeft, top, left + text.Width - boxLeft, text.Height)]);

        int wanted = 0, found = 0, outside = 0;
        for (int i = 0; i < truth.Length; i++)
        {
            if (i % width < first && truth[i] != 0)
            {
                wanted++;
                found += mask[i] != 0 ? 1 : 0;
            }

            outside += mask[i] != 0 && truth[i] == 0 ? 1 : 0;
        }

        TestContext.WriteLine($"first letters: {found} of {wanted} stroke pixels found; {outside} found off the strokes");
        // Measured 359 of 877 (0 against the wide median); the completion that follows in the service takes the rest
        // (the benchmark's corner recall 0.91).
        Assert.IsGreaterThan(wanted / 3, found, "\"© S\" is followed");
        Assert.IsLessThan(wanted, outside, "without spilling more than that beside it");
    }

    [TestMethod]
    public void ExtendLines_FollowsALineBeyondItsBox_AndNoFurther()
    {
        // "© SAMPLE STOCK" at 50 % across the cat; the strokes of its right half are known, as if the detector's box
        // had stopped mid-line.
        using Image clean = Image.NewFromBuffer(TestImages.Photo(TestImages.Cat)).ExtractBand(0, n: 3);
        using Image text = Image.Text("<b>© SAMPLE STOCK</b>", font: "sans 30", dpi: 72);
        int left = 40, top = 200;
        using Image coverage = text.Embed(left, top, clean.Width, clean.Height, extend: Enums.Extend.Black);
        using Image alpha = coverage.Cast(Enums.BandFormat.Float) / 255.0 * 0.5;
        using Image marked = TestImages.WhiteOver(clean, alpha);
        byte[] truth = (coverage > 128).Cast(Enums.BandFormat.Uchar).WriteToMemory<byte>();
        int half = left + (text.Width / 2);
        byte[] mask = new byte[truth.Length];
        for (int i = 0; i < truth.Length; i++)
        {
            mask[i] = i % clean.Width >= half ? truth[i] : (byte)0;
        }

        double before = TestImages.Overlap(mask, truth).Recall;
        BlendMarks.ExtendLines(marked, mask, [(half, top, left + text.Width - half, text.Height)]);
        (double recall, double precision) = TestImages.Overlap(mask, truth);

        Assert.IsLessThan(0.6, before);
        Assert.IsGreaterThan(0.8, recall, $"the left half found too: {before:0.00} -> {recall:0.00}");
        Assert.IsGreaterThan(0.6, precision, "and not the fur around it");
        for (int y = 0; y < clean.Height; y++)
        {
            for (int x = 0; x < clean.Width; x++)
            {
                Assert.IsTrue(mask[(y * clean.Width) + x] == 0 || (y >= top && y < top + text.Height), "only along the line's rows");
            }
        }
    }

    [TestMethod]
    [DataRow(TestImages.Cat)]
    [DataRow(TestImages.Coffee)]
    [DataRow(TestImages.Astronaut)]
    public void AnUnmarkedPhoto_HasNoMark(string photo)
    {
        using Image clean = Image.NewFromBuffer(TestImages.Photo(photo));

        Assert.IsNull(BlendMarks.Find(clean));
    }
}
