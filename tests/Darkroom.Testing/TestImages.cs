using Darkroom.Imaging;
using NetVips;

namespace Darkroom.Testing;

/// <summary>The test images: committed photos by name, and generated ones with known shapes.</summary>
public static class TestImages
{
    /// <summary>Chelsea the cat, 451x300 JPEG (tests/data/README.md has the source).</summary>
    public const string Cat = "chelsea.jpg";

    /// <summary>An astronaut portrait, 512x512 JPEG.</summary>
    public const string Astronaut = "astronaut.jpg";

    /// <summary>A cup of coffee, 600x400 JPEG.</summary>
    public const string Coffee = "coffee.jpg";

    public static byte[] Photo(string name) => File.ReadAllBytes(RepoPaths.TestData(name));

    /// <summary>
    /// A saturated orange disc (the subject) on a plain pale-grey background, as JPEG; with the exact disc mask
    /// (255 inside) so segmentation can be scored.
    /// </summary>
    public static (byte[] Jpeg, Image Mask) Disc(int width = 640, int height = 480)
    {
        int radius = Math.Min(width, height) * 3 / 10;
        using Image xy = Image.Xyz(width, height);
        using Image dx = xy[0] - (width / 2.0);
        using Image dy = xy[1] - (height / 2.0);
        using Image distance = ((dx * dx) + (dy * dy)).Pow(0.5);
        Image mask = (distance < radius).Cast(Enums.BandFormat.Uchar);
        using Image background = Image.Black(width, height, bands: 3) + new double[] { 225, 225, 220 };
        using Image subject = Image.Black(width, height, bands: 3) + new double[] { 230, 90, 20 };
        using Image photo = mask.Ifthenelse(subject, background).Cast(Enums.BandFormat.Uchar);
        return (photo.JpegsaveBuffer(q: 92), mask);
    }

    /// <summary>
    /// Depth of field: the coffee photo at 2048x1536 blurred as a lens blurs what lies behind the subject (the cup stays
    /// the salient object), with an ellipse of the astronaut photo (centre 1000,600, radii 150 and 170) set sharp over
    /// it, as JPEG; with the ellipse's mask (255 inside). ISNet alone takes the blurred cup.
    /// </summary>
    public static (byte[] Jpeg, Image Mask) SharpOverBlurred()
    {
        const int width = 2048, height = 1536;
        using Image coffee = Image.NewFromFile(RepoPaths.TestData(Coffee)).ExtractBand(0, n: 3);
        using Image astronaut = Image.NewFromFile(RepoPaths.TestData(Astronaut)).ExtractBand(0, n: 3);
        using Image ground = Regions.ToExactSize(coffee, width, height, Enums.Kernel.Lanczos3);
        using Image blurred = ground.Gaussblur(12);
        using Image texture = Regions.ToExactSize(astronaut, width, height, Enums.Kernel.Lanczos3);
        using Image xy = Image.Xyz(width, height);
        using Image dx = (xy[0] - 1000) / 150.0, dy = (xy[1] - 600) / 170.0;
        Image mask = (((dx * dx) + (dy * dy)) < 1.0).Cast(Enums.BandFormat.Uchar);
        using Image photo = mask.Ifthenelse(texture, blurred).Cast(Enums.BandFormat.Uchar);
        return (photo.JpegsaveBuffer(q: 95), mask);
    }

    /// <summary>A one-band uchar mask of the given size: 255 inside the box, 0 elsewhere.</summary>
    public static Image Box(int width, int height, int left, int top, int boxWidth, int boxHeight)
    {
        using Image box = (Image.Black(boxWidth, boxHeight) + 255).Cast(Enums.BandFormat.Uchar);
        return box.Embed(left, top, width, height, extend: Enums.Extend.Background, background: [0]);
    }

    /// <summary>
    /// A real photo with a semi-transparent white text watermark drawn by libvips near the bottom-right corner,
    /// as lossless PNG; with the clean photo and the exact mask (255 where the text's alpha is above a quarter).
    /// </summary>
    public static (byte[] Png, Image Clean, byte[] Mask) Watermarked(string photo, string text = "© DARKROOM 2026", double opacity = 0.75)
    {
        Image clean = Image.NewFromBuffer(Photo(photo));
        int size = Math.Max(12, clean.Height / 14);
        using Image glyphs = Image.Text($"<b>{text}</b>", font: $"sans {size}", dpi: 72);
        int left = clean.Width - glyphs.Width - (clean.Width / 30), top = clean.Height - glyphs.Height - (clean.Height / 30);
        using Image alpha = glyphs.Embed(left, top, clean.Width, clean.Height, extend: Enums.Extend.Black);
        using Image white = (Image.Black(clean.Width, clean.Height, bands: 3) + 255).Cast(Enums.BandFormat.Uchar);
        using Image overlay = white.Bandjoin((alpha * opacity).Cast(Enums.BandFormat.Uchar)).Copy(interpretation: Enums.Interpretation.Srgb);
        using Image marked = clean.Copy(interpretation: Enums.Interpretation.Srgb).Composite2(overlay, Enums.BlendMode.Over);
        using Image rgb = marked.ExtractBand(0, n: 3).Cast(Enums.BandFormat.Uchar);
        using Image exact = alpha > 64;
        return (rgb.PngsaveBuffer(compression: 1), clean, exact.Cast(Enums.BandFormat.Uchar).WriteToMemory<byte>());
    }

    /// <summary>White blended over <paramref name="photo"/> at <paramref name="alpha"/> (a float image, 0–1), rounded to bytes: J = α·255 + (1 − α)·I.</summary>
    public static Image WhiteOver(Image photo, Image alpha) =>
        ((alpha * 255.0) + ((1.0 - alpha) * photo.Cast(Enums.BandFormat.Float))).Round(Enums.OperationRound.Rint).Cast(Enums.BandFormat.Uchar);

    /// <summary>The text of the watermark benchmark's stock marks.</summary>
    public const string StockMark = "© SAMPLE STOCK";

    /// <summary>
    /// <see cref="StockMark"/> tiled diagonally, as the watermark benchmark draws it: the coverage (0–255,
    /// anti-aliased) and the cell it repeats on, a lattice of (cell width, 0) and (0, cell height).
    /// </summary>
    public static (Image Coverage, int CellWidth, int CellHeight) TiledMark(int width, int height)
    {
        int size = Math.Max(12, Math.Min(width, height) / 14);
        using Image text = Image.Text($"<b>{StockMark}</b>", font: $"sans {size * 0.8:0}", dpi: 72);
        using Image rotated = text.Similarity(angle: -30);
        using Image cell = rotated.Embed(0, 0, rotated.Width + (size * 3), rotated.Height + (size * 2), extend: Enums.Extend.Black);
        using Image tiled = cell.Replicate((width / cell.Width) + 2, (height / cell.Height) + 2);
        return (tiled.Crop(cell.Width / 3, cell.Height / 3, width, height).Copy(), cell.Width, cell.Height);
    }

    /// <summary>Fraction of <paramref name="truth"/>'s set pixels that <paramref name="predicted"/> also sets, and the reverse.</summary>
    public static (double Recall, double Precision) Overlap(ReadOnlySpan<byte> predicted, ReadOnlySpan<byte> truth)
    {
        long both = 0, p = 0, t = 0;
        for (int i = 0; i < truth.Length; i++)
        {
            bool a = predicted[i] != 0, b = truth[i] != 0;
            both += a && b ? 1 : 0;
            p += a ? 1 : 0;
            t += b ? 1 : 0;
        }

        return (t == 0 ? 0 : (double)both / t, p == 0 ? 0 : (double)both / p);
    }

    /// <summary>PSNR in dB between two same-size uchar images over the pixels where <paramref name="mask"/> is set.</summary>
    public static double PsnrInside(Image a, Image b, byte[] mask)
    {
        byte[] x = a.Cast(Enums.BandFormat.Uchar).WriteToMemory<byte>(), y = b.Cast(Enums.BandFormat.Uchar).WriteToMemory<byte>();
        int bands = a.Bands;
        double sum = 0;
        long n = 0;
        for (int i = 0; i < mask.Length; i++)
        {
            if (mask[i] == 0)
            {
                continue;
            }

            for (int c = 0; c < bands; c++)
            {
                double d = x[(i * bands) + c] - y[(i * bands) + c];
                sum += d * d;
                n++;
            }
        }

        double mse = sum / n;
        return mse == 0 ? 99 : 10 * Math.Log10(255.0 * 255.0 / mse);
    }

    /// <summary>A plain RGB image of the given size, as PNG.</summary>
    public static byte[] Plain(int width, int height, double grey = 128) =>
        (Image.Black(width, height, bands: 3) + grey).Cast(Enums.BandFormat.Uchar).PngsaveBuffer(compression: 1);

    /// <summary>The first <paramref name="keep"/> bytes of a photo: a truncated file.</summary>
    public static byte[] Truncated(string name, double keep = 0.6)
    {
        byte[] full = Photo(name);
        return full[..(int)(full.Length * keep)];
    }

    public static byte[] Svg => "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\"/></svg>"u8.ToArray();

    public static byte[] Text => "This is a text file, not a PNG.\n"u8.ToArray();

    /// <summary>Intersection over union of two one-band masks thresholded at half.</summary>
    public static double IoU(Image a, Image b)
    {
        using Image ab = a > 127;
        using Image bb = b > 127;
        using Image intersection = ab & bb;
        using Image union = ab | bb;
        double inter = intersection.Avg(), all = union.Avg();
        return all == 0 ? 0 : inter / all;
    }
}
