using Darkroom.Imaging;

namespace Darkroom.Imaging.Tests;

[TestClass]
public sealed class ExemplarInpainterTests
{
    /// <summary>Diagonal stripes with a period of 9 px in two colours: texture Telea can only smear.</summary>
    private static byte[] Stripes(int width, int height)
    {
        byte[] pixels = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                bool dark = (x + y) % 9 < 4;
                int i = ((y * width) + x) * 3;
                (pixels[i], pixels[i + 1], pixels[i + 2]) = dark ? ((byte)40, (byte)60, (byte)120) : ((byte)220, (byte)200, (byte)90);
            }
        }

        return pixels;
    }

    private static double Psnr(byte[] a, byte[] b, byte[] mask)
    {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < mask.Length; i++)
        {
            if (mask[i] != 0)
            {
                for (int c = 0; c < 3; c++)
                {
                    double d = a[(i * 3) + c] - b[(i * 3) + c];
                    sum += d * d;
                    n++;
                }
            }
        }

        return 10 * Math.Log10(255.0 * 255.0 / Math.Max(1e-9, sum / n));
    }

    [TestMethod]
    public void AHoleInTexture_IsFilledWithTheTexture_BetterThanTelea()
    {
        const int W = 160, H = 120;
        byte[] clean = Stripes(W, H);
        byte[] mask = new byte[W * H];
        for (int y = 45; y < 75; y++)
        {
            for (int x = 60; x < 96; x++)
            {
                mask[(y * W) + x] = 255;
            }
        }

        byte[] holed = (byte[])clean.Clone();
        for (int i = 0; i < mask.Length; i++)
        {
            if (mask[i] != 0)
            {
                holed[i * 3] = holed[(i * 3) + 1] = holed[(i * 3) + 2] = 255;
            }
        }

        byte[] exemplar = (byte[])holed.Clone(), telea = (byte[])holed.Clone();
        ExemplarInpainter.Inpaint(exemplar, mask, W, H, 3);
        TeleaInpainter.Inpaint(telea, mask, W, H, 3, radius: 5);

        double ours = Psnr(exemplar, clean, mask), smooth = Psnr(telea, clean, mask);
        Console.WriteLine($"exemplar {ours:0.0} dB, Telea {smooth:0.0} dB");
        Assert.IsGreaterThan(smooth + 6, ours, $"exemplar {ours:0.0} dB vs Telea {smooth:0.0} dB");
        for (int i = 0; i < mask.Length; i++)
        {
            if (mask[i] == 0)
            {
                Assert.AreEqual(holed[i * 3], exemplar[i * 3], "pixels outside the hole are untouched");
            }
        }
    }

    [TestMethod]
    public void Thickness_IsTheLargestDistanceToAKnownPixel()
    {
        byte[] mask = new byte[20 * 20];
        for (int y = 5; y < 8; y++)
        {
            for (int x = 2; x < 18; x++)
            {
                mask[(y * 20) + x] = 255;
            }
        }

        Assert.AreEqual(2, ExemplarInpainter.Thickness(mask, 20, 20), "a 3-px stroke");
        for (int y = 5; y < 15; y++)
        {
            for (int x = 5; x < 15; x++)
            {
                mask[(y * 20) + x] = 255;
            }
        }

        Assert.AreEqual(5, ExemplarInpainter.Thickness(mask, 20, 20), "a 10x10 block");
    }
}
