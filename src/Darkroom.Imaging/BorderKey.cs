using NetVips;

namespace Darkroom.Imaging;

/// <summary>
/// Cut-outs of graphics (logos, icons, screenshots, products on seamless white) by keying out the background colour
/// seen along the border, with no model. <see cref="Analyse"/> says whether the border is one flat colour; <see cref="Key"/>
/// makes the alpha: a pixel's offset from the background colour B projected onto the line from B to the subject's
/// own colour F (the colour of the neighbour within 2 px farthest from B), so an anti-aliased edge pixel
/// I = α·F + (1 − α)·B gets back α (up to 8-bit rounding), holes in letters come out clear, and the edge stays soft.
/// It also returns F for the edge pixels, so no background colour bleeds into the cut-out.
/// </summary>
public static class BorderKey
{
    /// <summary>A border pixel within this distance (RGB, 0–441) of the border's median colour counts as that colour.</summary>
    public const double Tolerance = 12;

    /// <summary>The share of border pixels that must be the one colour for the background to count as flat.</summary>
    public const double FlatShare = 0.97;

    /// <summary>A graphic's inside is a few flat colours: at least this share of its non-background pixels in its <see cref="PaletteColours"/> commonest colours (5 bits a channel).</summary>
    public const double GraphicPalette = 0.6;

    public const int PaletteColours = 8;

    /// <summary>
    /// What the border shows: the share of its pixels near its median colour, and that colour; and how much of
    /// everything else is a few flat colours (<see cref="PaletteShare"/>): a logo is, a photographed product is not.
    /// </summary>
    public sealed record Border(double Share, byte Red, byte Green, byte Blue, double Noise, double PaletteShare = 0)
    {
        public bool Flat => Share >= FlatShare;

        /// <summary>Flat border and a few flat colours inside: a graphic, safe to key.</summary>
        public bool Graphic => Flat && PaletteShare >= GraphicPalette;

        public byte[] Colour => [Red, Green, Blue];
    }

    /// <summary>The border's colour statistics (a 2-pixel ring around the photo).</summary>
    /// <param name="photo">An upright sRGB photo as <see cref="ImageDecoder.DecodeUpright"/> gives it (alpha, if any, is ignored).</param>
    public static Border Analyse(Image photo)
    {
        (byte[] pixels, int width, int height) = Colours(photo);
        var ring = new List<int>();
        for (int y = 0; y < height; y++)
        {
            bool edgeRow = y < 2 || y >= height - 2;
            for (int x = 0; x < width; x++)
            {
                if (edgeRow || x < 2 || x >= width - 2)
                {
                    ring.Add(((y * width) + x) * 3);
                }
            }
        }

        byte[] median = new byte[3];
        for (int c = 0; c < 3; c++)
        {
            int[] histogram = new int[256];
            foreach (int p in ring)
            {
                histogram[pixels[p + c]]++;
            }

            int seen = 0;
            for (int v = 0; v < 256; v++)
            {
                seen += histogram[v];
                if (seen * 2 >= ring.Count)
                {
                    median[c] = (byte)v;
                    break;
                }
            }
        }

        int near = 0;
        double noise = 0;
        foreach (int p in ring)
        {
            double d = Distance(pixels, p, median);
            if (d <= Tolerance)
            {
                near++;
                noise += d * d;
            }
        }

        // The palette: the share of non-background pixels in the commonest few 5-bit colours.
        int[] counts = new int[1 << 15];
        int others = 0;
        for (int p = 0; p < pixels.Length; p += 3)
        {
            if (Distance(pixels, p, median) <= 2 * Tolerance)
            {
                continue;
            }

            int bin = ((pixels[p] >> 3) << 10) | ((pixels[p + 1] >> 3) << 5) | (pixels[p + 2] >> 3);
            counts[bin]++;
            others++;
        }

        double palette = others == 0 ? 1 : counts.OrderDescending().Take(PaletteColours).Sum() / (double)others;
        return new Border(ring.Count == 0 ? 0 : near / (double)ring.Count, median[0], median[1], median[2], near == 0 ? 0 : Math.Sqrt(noise / near), palette);
    }

    /// <summary>
    /// The alpha (one band uchar, the photo's size) and the foreground colour (three bands uchar) of everything that is
    /// not <paramref name="background"/>.
    /// </summary>
    public static (Image Alpha, Image Foreground) Key(Image photo, byte[] background, double noise = 2)
    {
        (byte[] pixels, int width, int height) = Colours(photo);

        // Background: near its colour. Everything else is projected onto the line from the background colour to the
        // subject's own colour, taken from the neighbour (within 2 px) farthest from the background: inside a stroke
        // that is a fully covered pixel.
        double low = Math.Max(4, 3 * noise);
        double[] distance = new double[width * height];
        for (int i = 0; i < distance.Length; i++)
        {
            distance[i] = Distance(pixels, i * 3, background);
        }

        byte[] alpha = new byte[width * height];
        byte[] foreground = (byte[])pixels.Clone();
        for (int i = 0; i < alpha.Length; i++)
        {
            if (distance[i] <= low)
            {
                continue;
            }

            int p = i * 3, x0 = i % width, y0 = i / width, far = i;
            for (int y = Math.Max(0, y0 - Reach); y <= Math.Min(height - 1, y0 + Reach); y++)
            {
                for (int x = Math.Max(0, x0 - Reach); x <= Math.Min(width - 1, x0 + Reach); x++)
                {
                    int j = (y * width) + x;
                    if (distance[j] > distance[far])
                    {
                        far = j;
                    }
                }
            }

            double along = 0, norm = 0;
            for (int c = 0; c < 3; c++)
            {
                double towards = pixels[(far * 3) + c] - background[c];
                along += (pixels[p + c] - background[c]) * towards;
                norm += towards * towards;
            }

            double a = norm < 1 ? 1 : Math.Clamp(along / norm, 0, 1);
            if (a >= 0.98)
            {
                alpha[i] = 255;
                continue;
            }

            alpha[i] = (byte)Math.Round(a * 255);
            for (int c = 0; c < 3; c++)
            {
                foreground[p + c] = pixels[(far * 3) + c];
            }
        }

        return (
            PixelImage.Wrap(alpha, width, height, 1, Enums.Interpretation.Bw),
            PixelImage.Wrap(foreground, width, height, 3, Enums.Interpretation.Srgb));
    }

    /// <summary>How far (pixels) an edge pixel looks for the subject's own colour.</summary>
    private const int Reach = 2;

    /// <summary>The photo's colour bands (its first three; alpha dropped) as interleaved bytes.</summary>
    private static (byte[] Pixels, int Width, int Height) Colours(Image photo)
    {
        using Image three = photo.Bands > 3 ? photo.ExtractBand(0, n: 3) : photo.Copy();
        return (PixelImage.Read(three), three.Width, three.Height);
    }

    private static double Distance(byte[] pixels, int p, byte[] colour)
    {
        double sum = 0;
        for (int c = 0; c < 3; c++)
        {
            double e = pixels[p + c] - colour[c];
            sum += e * e;
        }

        return Math.Sqrt(sum);
    }
}
