using System.Numerics;

namespace Darkroom.Imaging;

/// <summary>
/// A radix-2 fast Fourier transform (iterative Cooley–Tukey) and the autocorrelation of a map through it
/// (Wiener–Khinchin: the inverse transform of the power spectrum), zero-padded so shifts do not wrap around.
/// </summary>
public static class Fourier
{
    /// <summary>In-place transform of a power-of-two length; the inverse is unscaled (divide by n yourself).</summary>
    public static void Transform(Span<Complex> data, bool inverse)
    {
        int n = data.Length;
        if (n == 0 || (n & (n - 1)) != 0)
        {
            throw new ArgumentException("The length must be a power of two.", nameof(data));
        }

        for (int i = 1, j = 0; i < n; i++)
        {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1)
            {
                j ^= bit;
            }

            j ^= bit;
            if (i < j)
            {
                (data[i], data[j]) = (data[j], data[i]);
            }
        }

        for (int length = 2; length <= n; length <<= 1)
        {
            double angle = 2 * Math.PI / length * (inverse ? 1 : -1);
            var step = new Complex(Math.Cos(angle), Math.Sin(angle));
            for (int start = 0; start < n; start += length)
            {
                Complex w = Complex.One;
                for (int k = 0; k < length / 2; k++)
                {
                    Complex a = data[start + k], b = data[start + k + (length / 2)] * w;
                    data[start + k] = a + b;
                    data[start + k + (length / 2)] = a - b;
                    w *= step;
                }
            }
        }
    }

    /// <summary>
    /// Sum over p of map(p)·map(p + (dx, dy)) for every shift with |dx| ≤ rx and 0 ≤ dy ≤ ry, in a table of
    /// (ry + 1) rows of 2·rx + 1 (index dy·(2·rx + 1) + dx + rx).
    /// </summary>
    public static double[] Autocorrelate(double[] map, int width, int height, int rx, int ry)
    {
        int pw = NextPowerOfTwo(width + rx + 1), ph = NextPowerOfTwo(height + ry + 1);
        var grid = new Complex[pw * ph];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                grid[(y * pw) + x] = map[(y * width) + x];
            }
        }

        Transform2D(grid, pw, ph, inverse: false);
        for (int i = 0; i < grid.Length; i++)
        {
            double power = grid[i].Magnitude;
            grid[i] = power * power;
        }

        Transform2D(grid, pw, ph, inverse: true);
        int row = (2 * rx) + 1;
        double[] table = new double[(ry + 1) * row];
        double scale = 1.0 / grid.Length;
        for (int dy = 0; dy <= ry; dy++)
        {
            for (int dx = -rx; dx <= rx; dx++)
            {
                // The correlation at +t sits at index t, at −t (negative dx) wrapped to the far end of the row.
                table[(dy * row) + dx + rx] = grid[(dy * pw) + ((dx + pw) % pw)].Real * scale;
            }
        }

        return table;
    }

    private static void Transform2D(Complex[] grid, int width, int height, bool inverse)
    {
        Parallel.For(0, height, y => Transform(grid.AsSpan(y * width, width), inverse));
        Parallel.For(0, width, x =>
        {
            var column = new Complex[height];
            for (int y = 0; y < height; y++)
            {
                column[y] = grid[(y * width) + x];
            }

            Transform(column, inverse);
            for (int y = 0; y < height; y++)
            {
                grid[(y * width) + x] = column[y];
            }
        });
    }

    private static int NextPowerOfTwo(int n)
    {
        int p = 1;
        while (p < n)
        {
            p <<= 1;
        }

        return p;
    }
}
