using NetVips;

namespace Darkroom.Imaging.Tests;

[TestClass]
public sealed class FocusTests
{
    private const int Size = 512;

    public TestContext TestContext { get; set; } = null!;

    /// <summary>
    /// A large disc blurred as a lens blurs what is out of focus, a small sharp checked square beside it; the model's
    /// matte is the disc. The disc's outline reads soft, the square's edges sharp: the subject is out of focus and the
    /// sharp box is the square's.
    /// </summary>
    [TestMethod]
    public void Read_BlurredSubjectAndSharpSquareElsewhere_SaysOutOfFocus_AndBoxesTheSquare()
    {
        (byte[] rgb, byte[] matte) = Scene(blurDisc: true, sharpInside: false);
        Focus.Reading reading = Focus.Read(rgb, matte, Size, Size);
        TestContext.WriteLine(reading.ToString());
        Assert.IsLessThan(0.05, reading.OutlineSharp);
        Assert.IsTrue(reading.SubjectOutOfFocus(Size, Size));
        (int left, int top, int width, int height) = reading.SharpBox!.Value;
        Assert.IsTrue(left <= 380 && top <= 60 && left + width >= 440 && top + height >= 120, $"the box {reading.SharpBox} holds the square (380,60 60x60)");
        Assert.IsLessThanOrEqualTo(128, width, "stray sharp pixels do not stretch the box");
        Assert.IsLessThanOrEqualTo(128, height);
    }

    [TestMethod]
    public void Read_SharpSubject_IsInFocus()
    {
        (byte[] rgb, byte[] matte) = Scene(blurDisc: false, sharpInside: false);
        Focus.Reading reading = Focus.Read(rgb, matte, Size, Size);
        TestContext.WriteLine(reading.ToString());
        Assert.IsGreaterThanOrEqualTo(Focus.InFocus, reading.OutlineSharp);
        Assert.IsFalse(reading.SubjectOutOfFocus(Size, Size));
    }

    /// <summary>A furry animal before a blurred backdrop: its outline is soft, but its face and coat are sharp — not out of focus.</summary>
    [TestMethod]
    public void Read_SoftOutlineButSharpInside_IsNotOutOfFocus()
    {
        (byte[] rgb, byte[] matte) = Scene(blurDisc: true, sharpInside: true);
        Focus.Reading reading = Focus.Read(rgb, matte, Size, Size);
        TestContext.WriteLine(reading.ToString());
        Assert.IsLessThan(0.2, reading.OutlineSharp);
        Assert.IsGreaterThan(0.35, reading.InsideSharp);
        Assert.IsFalse(reading.SubjectOutOfFocus(Size, Size));
    }

    [TestMethod]
    public void Read_FlatPhoto_HasNoOutlineToJudge()
    {
        byte[] rgb = new byte[Size * Size * 3];
        Array.Fill(rgb, (byte)120);
        byte[] matte = new byte[Size * Size];
        matte.AsSpan(0, Size * Size / 2).Fill(255);
        Focus.Reading reading = Focus.Read(rgb, matte, Size, Size);
        Assert.AreEqual(0, reading.Outline);
        Assert.AreEqual(0, reading.Sharp);
        Assert.IsNull(reading.SharpBox);
        Assert.IsFalse(reading.SubjectOutOfFocus(Size, Size));
        Assert.ThrowsExactly<ArgumentException>(() => Focus.Read(rgb.AsSpan(1), matte, Size, Size));
    }

    /// <summary>
    /// Grey ground; a dark disc (centre 200,300, radius 140), blurred (sigma 6) or not, optionally checked inside with a
    /// sharp 8-pixel pattern; a sharp black-and-white checked square at 380,60 (60x60). The matte is the disc, sharp.
    /// </summary>
    private static (byte[] Rgb, byte[] Matte) Scene(bool blurDisc, bool sharpInside)
    {
        using Image xy = Image.Xyz(Size, Size);
        using Image dx = xy[0] - 200, dy = xy[1] - 300;
        using Image inDisc = ((dx * dx) + (dy * dy)) < (140 * 140);
        using Image ground = Image.Black(Size, Size) + 170;
        using Image disc = inDisc.Ifthenelse(60, ground);
        using Image soft = blurDisc ? disc.Gaussblur(6) : disc.Copy();
        using Image checks = (((xy[0] / 8).Floor() + (xy[1] / 8).Floor()) % 2).Linear([160.0], [20.0]);
        using Image inner = ((dx * dx) + (dy * dy)) < (110 * 110);
        using Image coat = sharpInside ? inner.Ifthenelse(checks, soft) : soft.Copy();
        using Image inSquare = (xy[0] >= 380) & (xy[0] < 440) & (xy[1] >= 60) & (xy[1] < 120);
        using Image square = inSquare.Ifthenelse(checks.Linear([1.5], [0.0]), coat);
        using Image grey = square.Cast(Enums.BandFormat.Uchar);
        using Image rgb = grey.Bandjoin(grey, grey);
        return (rgb.WriteToMemory<byte>(), inDisc.Cast(Enums.BandFormat.Uchar).WriteToMemory<byte>());
    }
}
