using Darkroom.Imaging;

namespace Darkroom.Imaging.Tests;

/// <summary>The mask's distance transform (3-4 chamfer) against the metric it computes, worked out pixel by pixel.</summary>
[TestClass]
public sealed class MaskOpsTests
{
    /// <summary>The 3-4 chamfer distance between two pixels: 3 per straight step, 4 per diagonal one.</summary>
    private static int Chamfer(int dx, int dy)
    {
        int a = Math.Abs(dx), b = Math.Abs(dy);
        return (3 * Math.Max(a, b)) + Math.Min(a, b);
    }

    private static byte[] RandomMask(int width, int height, double density, int seed)
    {
        var random = new Random(seed);
        byte[] mask = new byte[width * height];
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = random.NextDouble() < density ? (byte)255 : (byte)0;
        }

        return mask;
    }

    [TestMethod]
    [DataRow(41, 29, 0.03, 1)]
    [DataRow(1, 17, 0.2, 2)]
    [DataRow(17, 1, 0.2, 3)]
    [DataRow(2, 2, 0.5, 4)]
    [DataRow(64, 48, 0.9, 5)]
    public void Depth_IsTheChamferDistanceToTheNearestUnsetPixel(int width, int height, double density, int seed)
    {
        byte[] mask = RandomMask(width, height, density, seed);
        int[] depth = MaskOps.Depth(mask, width, height);
        int checkedPixels = 0;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int expected = 0;
                if (mask[(y * width) + x] != 0)
                {
                    // The photo's border does not count as unset: with no unset pixel at all the depth stays "far".
                    expected = int.MaxValue;
                    for (int v = 0; v < height; v++)
                    {
                        for (int u = 0; u < width; u++)
                        {
                            if (mask[(v * width) + u] == 0)
                            {
                                expected = Math.Min(expected, Chamfer(u - x, v - y));
                            }
                        }
                    }
                }

                if (expected != int.MaxValue)
                {
                    Assert.AreEqual(expected, depth[(y * width) + x], $"({x}, {y})");
                    checkedPixels++;
                }
            }
        }

        Assert.IsGreaterThan(0, checkedPixels);
    }

    [TestMethod]
    [DataRow(41, 29, 0.02, 3, 6)]
    [DataRow(1, 23, 0.1, 2, 7)]
    [DataRow(23, 1, 0.1, 2, 8)]
    [DataRow(50, 40, 0.005, 7, 9)]
    public void Dilate_SetsEveryPixelWithinTheRadius(int width, int height, double density, int radius, int seed)
    {
        byte[] mask = RandomMask(width, height, density, seed);
        byte[] grown = (byte[])mask.Clone();
        MaskOps.Dilate(grown, width, height, radius);
        int set = 0;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int nearest = int.MaxValue;
                for (int v = 0; v < height; v++)
                {
                    for (int u = 0; u < width; u++)
                    {
                        if (mask[(v * width) + u] != 0)
                        {
                            nearest = Math.Min(nearest, Chamfer(u - x, v - y));
                        }
                    }
                }

                bool expected = nearest <= radius * 3;
                Assert.AreEqual(expected, grown[(y * width) + x] != 0, $"({x}, {y}): nearest set pixel at {nearest}");
                set += expected ? 1 : 0;
            }
        }

        Assert.IsGreaterThan(0, set);
    }
}
