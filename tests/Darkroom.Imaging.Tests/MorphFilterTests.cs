using Darkroom.Imaging;

namespace Darkroom.Imaging.Tests;

[TestClass]
public sealed class MorphFilterTests
{
    [TestMethod]
    [DataRow(1, 1)]
    [DataRow(3, 2)]
    [DataRow(5, 3)]
    [DataRow(9, 1)]
    [DataRow(41, 3)]
    public void Extreme_MatchesTheMinimumAndMaximumOverEachWindow(int window, int channels)
    {
        // Odd sizes, so blocks never line up with the borders; the window wider than the image in the last row.
        const int width = 37, height = 23;
        var random = new Random(window * 31 + channels);
        byte[] pixels = new byte[width * height * channels];
        random.NextBytes(pixels);
        foreach (bool maximum in new[] { false, true })
        {
            byte[] fast = MorphFilter.Extreme(pixels, width, height, channels, window, maximum);
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    for (int c = 0; c < channels; c++)
                    {
                        int expected = maximum ? 0 : 255;
                        for (int yy = Math.Max(0, y - (window / 2)); yy <= Math.Min(height - 1, y + (window / 2)); yy++)
                        {
                            for (int xx = Math.Max(0, x - (window / 2)); xx <= Math.Min(width - 1, x + (window / 2)); xx++)
                            {
                                byte v = pixels[(((yy * width) + xx) * channels) + c];
                                expected = maximum ? Math.Max(expected, v) : Math.Min(expected, v);
                            }
                        }

                        Assert.AreEqual(expected, fast[(((y * width) + x) * channels) + c], $"({x}, {y}) channel {c}, {(maximum ? "max" : "min")}");
                    }
                }
            }
        }
    }

    [TestMethod]
    public void Open_RemovesALightLineNarrowerThanTheWindow_AndKeepsAWideBlock()
    {
        const int width = 40, height = 30;
        byte[] pixels = new byte[width * height];
        Array.Fill(pixels, (byte)50);
        for (int y = 0; y < height; y++)
        {
            pixels[(y * width) + 5] = 200;
            pixels[(y * width) + 6] = 200;
            for (int x = 20; x < 35; x++)
            {
                pixels[(y * width) + x] = 220;
            }
        }

        byte[] opened = MorphFilter.Open(pixels, width, height, 1, 7, light: true);

        Assert.AreEqual(50, opened[(10 * width) + 5], "the 2 px line is gone");
        Assert.AreEqual(220, opened[(10 * width) + 27], "the 15 px block stays");
        Assert.AreEqual(50, opened[(10 * width) + 12], "the ground stays");
    }
}
