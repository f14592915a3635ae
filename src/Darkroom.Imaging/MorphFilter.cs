using System.Numerics;

namespace Darkroom.Imaging;

/// <summary>
/// Grey-level erosion and dilation with a square window, per channel, in constant time per pixel whatever the window
/// (van Herk / Gil–Werman: running minima or maxima over blocks of the window's size, from the left and from the
/// right, so any window is the extreme of one suffix and one prefix). Separable: rows, then columns (whole rows at a
/// time, in vectors).
/// </summary>
public static class MorphFilter
{
    /// <summary>An opening (erosion, then dilation) for <paramref name="light"/>, a closing otherwise: removes light (or dark) structures narrower than the window.</summary>
    public static byte[] Open(byte[] pixels, int width, int height, int channels, int window, bool light)
    {
        byte[] first = Extreme(pixels, width, height, channels, window, maximum: !light);
        return Extreme(first, width, height, channels, window, maximum: light);
    }

    /// <summary>Each value replaced by the minimum (or maximum) over the window x window square centred on it, clipped at the borders.</summary>
    public static byte[] Extreme(byte[] pixels, int width, int height, int channels, int window, bool maximum)
    {
        byte[] across = new byte[pixels.Length], result = new byte[pixels.Length];
        Lines(pixels, across, height, width, width * channels, channels, channels, window, maximum);
        Columns(across, result, width * channels, height, window, maximum);
        return result;
    }

    /// <summary>
    /// The same filter down the columns, whole rows at a time: each byte of a row is its own column whatever the
    /// channels, so rows are combined in vectors. The prefix and suffix extremes are kept for three blocks of window
    /// rows at a time (the one being written and its neighbours), not for the whole image.
    /// </summary>
    private static void Columns(byte[] source, byte[] target, int stride, int height, int window, bool maximum)
    {
        int radius = window / 2, blocks = (height + window - 1) / window;
        byte[][] prefix = [new byte[window * stride], new byte[window * stride], new byte[window * stride]];
        byte[][] suffix = [new byte[window * stride], new byte[window * stride], new byte[window * stride]];
        void Fill(int block)
        {
            byte[] p = prefix[block % 3], s = suffix[block % 3];
            int first = block * window, rows = Math.Min(window, height - first);
            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<byte> line = source.AsSpan((first + r) * stride, stride);
                if (r == 0)
                {
                    line.CopyTo(p.AsSpan(0, stride));
                }
                else
                {
                    Pick(p.AsSpan((r - 1) * stride, stride), line, p.AsSpan(r * stride, stride), maximum);
                }
            }

            for (int r = rows - 1; r >= 0; r--)
            {
                ReadOnlySpan<byte> line = source.AsSpan((first + r) * stride, stride);
                if (r == rows - 1)
                {
                    line.CopyTo(s.AsSpan(r * stride, stride));
                }
                else
                {
                    Pick(s.AsSpan((r + 1) * stride, stride), line, s.AsSpan(r * stride, stride), maximum);
                }
            }
        }

        Fill(0);
        if (blocks > 1)
        {
            Fill(1);
        }

        for (int block = 0; block < blocks; block++)
        {
            if (block >= 1 && block + 1 < blocks)
            {
                Fill(block + 1);
            }

            for (int i = block * window; i < Math.Min(height, (block + 1) * window); i++)
            {
                // As in Run: [lo, hi] spans at most two blocks.
                int lo = Math.Max(0, i - radius), hi = Math.Min(height - 1, i + radius);
                int low = lo / window, high = hi / window;
                ReadOnlySpan<byte> fromLo = suffix[low % 3].AsSpan((lo - (low * window)) * stride, stride);
                ReadOnlySpan<byte> toHi = prefix[high % 3].AsSpan((hi - (high * window)) * stride, stride);
                Span<byte> output = target.AsSpan(i * stride, stride);
                if (low != high)
                {
                    Pick(fromLo, toHi, output, maximum);
                }
                else
                {
                    (lo % window == 0 ? toHi : fromLo).CopyTo(output);
                }
            }
        }
    }

    /// <summary>Each byte of <paramref name="into"/> becomes the larger (or smaller) of <paramref name="a"/>'s and <paramref name="b"/>'s.</summary>
    private static void Pick(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> into, bool maximum)
    {
        int x = 0;
        for (; x + Vector<byte>.Count <= into.Length; x += Vector<byte>.Count)
        {
            Vector<byte> va = new(a[x..]), vb = new(b[x..]);
            (maximum ? Vector.Max(va, vb) : Vector.Min(va, vb)).CopyTo(into[x..]);
        }

        for (; x < into.Length; x++)
        {
            into[x] = Pick(a[x], b[x], maximum);
        }
    }

    /// <summary>The 1-D filter along <paramref name="count"/> lines of <paramref name="length"/> values: line k starts at k x <paramref name="lineStep"/>, its values <paramref name="step"/> apart, per channel.</summary>
    private static void Lines(byte[] source, byte[] target, int count, int length, int lineStep, int step, int channels, int window, bool maximum) =>
        Parallel.For(0, count, k =>
        {
            byte[] line = new byte[length], output = new byte[length], prefix = new byte[length], suffix = new byte[length];
            for (int c = 0; c < channels; c++)
            {
                int start = (k * lineStep) + c;
                for (int i = 0; i < length; i++)
                {
                    line[i] = source[start + (i * step)];
                }

                Run(line, output, prefix, suffix, length, window, maximum);
                for (int i = 0; i < length; i++)
                {
                    target[start + (i * step)] = output[i];
                }
            }
        });

    private static void Run(byte[] line, byte[] output, byte[] prefix, byte[] suffix, int n, int window, bool maximum)
    {
        int radius = window / 2;
        for (int i = 0; i < n; i++)
        {
            prefix[i] = i % window == 0 ? line[i] : Pick(prefix[i - 1], line[i], maximum);
        }

        for (int i = n - 1; i >= 0; i--)
        {
            suffix[i] = i == n - 1 || (i + 1) % window == 0 ? line[i] : Pick(suffix[i + 1], line[i], maximum);
        }

        for (int i = 0; i < n; i++)
        {
            int lo = Math.Max(0, i - radius), hi = Math.Min(n - 1, i + radius);

            // [lo, hi] is at most a window long, so it spans at most two blocks: the suffix from lo to its block's end
            // and the prefix of hi's block up to hi. Within one block it is either a whole window starting the block
            // (the prefix) or a window clipped by the line's end (the suffix, which stops there).
            output[i] = lo / window != hi / window ? Pick(suffix[lo], prefix[hi], maximum)
                : lo % window == 0 ? prefix[hi]
                : suffix[lo];
        }
    }

    private static byte Pick(byte a, byte b, bool maximum) => maximum ? Math.Max(a, b) : Math.Min(a, b);
}
