using NetVips;

namespace Darkroom.Imaging.Tests;

[TestClass]
public sealed class SubjectCropTests
{
    [TestMethod]
    public void Find_GivesTheBoxOfTheSurePart_AsFractions()
    {
        using Image matte = TestImages.Box(200, 100, 50, 20, 40, 30);
        using Image faint = (matte / 4).Cast(Enums.BandFormat.Uchar);
        (double left, double top, double w, double h) = SubjectCrop.Find(matte)!.Value;
        Assert.AreEqual(0.25, left, 1e-9);
        Assert.AreEqual(0.2, top, 1e-9);
        Assert.AreEqual(0.2, w, 1e-9);
        Assert.AreEqual(0.3, h, 1e-9);
        Assert.IsNull(SubjectCrop.Find(faint), "a matte nowhere at one half has no subject");
    }

    [TestMethod]
    public void Place_OnlyWhereACropShowsTheModelMore()
    {
        // A tenth of a 4000x3000 photo: a crop (grown by a fifth each way) is worth a second 1024 pass.
        (int Left, int Top, int Width, int Height)? crop = SubjectCrop.Place((0.5, 0.5, 0.1, 0.1), 4000, 3000, 1024, 1024);
        Assert.IsNotNull(crop);
        Assert.AreEqual(2000 - 80, crop.Value.Left);
        Assert.AreEqual(400 + 160, crop.Value.Width);
        Assert.IsTrue(crop.Value.Top >= 0 && crop.Value.Top + crop.Value.Height <= 3000);

        Assert.IsNull(SubjectCrop.Place((0.2, 0.2, 0.6, 0.5), 4000, 3000, 1024, 1024), "over half the photo across");
        Assert.IsNull(SubjectCrop.Place((0.5, 0.5, 0.1, 0.1), 800, 600, 1024, 1024), "a photo smaller than the model's input: the first pass already saw every pixel");
    }

    [TestMethod]
    public void GreyShare_CountsTheGreyAmongTheMattesSubjectAndEdge()
    {
        // 100 pixels: 60 background (0 and 25: under a tenth), 30 sure (230 and 255), 10 grey (26 and 229).
        byte[] matte = new byte[100];
        matte.AsSpan(50, 10).Fill(25);
        matte.AsSpan(60, 15).Fill(230);
        matte.AsSpan(75, 15).Fill(255);
        matte.AsSpan(90, 5).Fill(26);
        matte.AsSpan(95, 5).Fill(229);
        Assert.AreEqual(10 / 40.0, SubjectCrop.GreyShare(matte), 1e-12);
        Assert.AreEqual(0.0, SubjectCrop.GreyShare(new byte[16]), "an empty matte has no grey");
        Assert.AreEqual(1.0, SubjectCrop.GreyShare(Enumerable.Repeat((byte)128, 16).ToArray()), "all hesitation");
    }

    [TestMethod]
    public void PlaceCloser_OnlyWhereTheCropLeavesOutATenthOfThePhoto()
    {
        // A box a third of a 2048x1536 photo across and down, grown by a fifth of its larger side each way.
        (int Left, int Top, int Width, int Height)? crop = SubjectCrop.PlaceCloser((0.3, 0.3, 1 / 3.0, 1 / 3.0), 2048, 1536);
        Assert.IsNotNull(crop);
        Assert.AreEqual((int)Math.Floor((0.3 * 2048) - (0.2 * 2048 / 3.0)), crop.Value.Left);
        Assert.AreEqual((int)Math.Floor((0.3 * 1536) - (0.2 * 2048 / 3.0)), crop.Value.Top);

        Assert.IsNull(SubjectCrop.PlaceCloser((0.05, 0.05, 0.8, 0.8), 2048, 1536), "grown, it is the whole photo: the same view again");
        Assert.IsNull(SubjectCrop.PlaceCloser((0.4, 0.4, 0.1, 0.1), 40, 30), "a crop under 16 pixels");
    }

    [TestMethod]
    public void Combine_SetsTheCropsMatteIn_WithARampAtItsEdge_AndKeepsTheRest()
    {
        // First matte: all 100 (at the model's size); second: all 200 (the crop's pass, finer than the crop itself).
        using Image first = (Image.Black(64, 48) + 100).Cast(Enums.BandFormat.Uchar);
        using Image second = (Image.Black(1024, 1024) + 200).Cast(Enums.BandFormat.Uchar);
        using Image both = SubjectCrop.Combine(first, second, (400, 300, 320, 320), 1600, 1200);
        Assert.AreEqual(1600, both.Width, "the crop's pass is finer than the crop: the result is the photo's size");
        Assert.AreEqual(1200, both.Height);
        Assert.AreEqual(100, both.Getpoint(100, 100)[0], 0.5, "outside the crop: the first matte");
        Assert.AreEqual(200, both.Getpoint(560, 460)[0], 0.5, "inside: the second");
        double edge = both.Getpoint(401, 460)[0];
        Assert.IsTrue(edge is > 100 and < 200, $"at the crop's border the two are blended ({edge})");

        // A pass coarser than its crop sets the scale: 64 px over 320 is a fifth, so the result is a fifth of the photo.
        using Image coarse = (Image.Black(64, 64) + 200).Cast(Enums.BandFormat.Uchar);
        using Image small = SubjectCrop.Combine(first, coarse, (400, 300, 320, 320), 1600, 1200);
        Assert.AreEqual(320, small.Width);
        Assert.AreEqual(240, small.Height);
    }
}
