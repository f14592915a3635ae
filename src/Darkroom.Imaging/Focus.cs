using System.Numerics;

namespace Darkroom.Imaging;

/// <summary>
/// Depth of field as a second opinion on a salient-object model. A photographer focuses on the subject: its outline is
/// sharp, while what lies well before or behind it is blurred. When the outline of what the model chose is soft
/// almost everywhere, and its inside mostly soft, while sharp edges gather elsewhere in the photo, the model has most likely taken a blurred object (a cup, a
/// face behind the subject) for the subject, and the sharp region is where the subject is.
/// Sharpness is read without regard to contrast: around each pixel, the span of brightness in a 9x9 window against
/// the steepest step in it. A step that is sharp rises in a pixel or two (span / steepest step about 2); one blurred
/// by a lens rises over many (here up to the window's 9).
/// </summary>
public static class Focus
{
    /// <summary>The fewest outline pixels with an edge near them for a reading of the outline to count.</summary>
    public const int MinOutline = 64;

    /// <summary>An outline with at least this share of sharp edges is in focus.</summary>
    public const double InFocus = 0.5;

    // A subject is out of focus when at most this share of its outline's edges is sharp, and at most InsideSoft of the
    // edges within it: on the cut-out benchmark, where ISNet took a blurred object of the backdrop, they read 0.00–0.10 and
    // 0.05–0.24 (inside), those in focus 0.46–1.00 (outline); the real cat photo (soft fur before a blurred room) reads
    // 0.07 and 0.58, as do the composites on it where ISNet took the cat (0.01–0.06 and 0.59–0.61).
    private const double OutlineSoft = 0.2, InsideSoft = 0.35;

    private const int Reach = 4;

    // The grid on which the sharp pixels' density is read, in pixels of the reading's grid.
    private const int Block = 32;

    // A window whose brightness spans less than this (0–255) has no edge worth reading (flat or faint texture, noise).
    private const int MinSpan = 24;

    // Span / steepest step at or under this: sharp.
    private const float SharpWidth = 4f;

    /// <summary>What the reading found.</summary>
    /// <param name="Outline">Pixels on the matte's outline (where it crosses one half) that have an edge near them.</param>
    /// <param name="OutlineSharp">The share of those whose edge is sharp.</param>
    /// <param name="Inside">Pixels within the matte's subject that have an edge near them.</param>
    /// <param name="InsideSharp">The share of those whose edge is sharp.</param>
    /// <param name="Sharp">Pixels anywhere whose edge is sharp.</param>
    /// <param name="SharpBox">The box around where the sharp pixels gather, or null when there are none.</param>
    public sealed record Reading(int Outline, double OutlineSharp, int Inside, double InsideSharp, int Sharp, (int Left, int Top, int Width, int Height)? SharpBox)
    {
        /// <summary>
        /// Whether the model's subject looks out of focus while something else is in focus: an outline whose edges are
        /// almost all soft, an inside mostly soft too (a furry animal before a blurred backdrop has a soft outline but
        /// a sharp face and coat), and sharp edges over at least a thousandth of the photo.
        /// </summary>
        public bool SubjectOutOfFocus(int width, int height) =>
            Outline >= MinOutline && OutlineSharp <= OutlineSoft && InsideSharp <= InsideSoft && Sharp >= width * height / 1000 && SharpBox is not null;
    }

    /// <summary>Reads the photo (RGB bytes) and the model's matte (one byte a pixel) on the same grid.</summary>
    public static Reading Read(ReadOnlySpan<byte> rgb, ReadOnlySpan<byte> matte, int width, int height)
    {
        int n = width * height;
        if (rgb.Length < n * 3 || matte.Length < n)
        {
            throw new ArgumentException("The photo and the matte must both cover the grid.");
        }

        byte[] luma = new byte[n];
        for (int i = 0; i < n; i++)
        {
            luma[i] = (byte)(((77 * rgb[i * 3]) + (150 * rgb[(i * 3) + 1]) + (29 * rgb[(i * 3) + 2])) >> 8);
        }

        // The steepest step at each pixel: central differences, halved (a one-pixel step of c reads c / 2 twice).
        byte[] step = new byte[n];
        for (int y = 1; y < height - 1; y++)
        {
            for (int x = 1; x < width - 1; x++)
            {
                int i = (y * width) + x;
                int gx = luma[i + 1] - luma[i - 1], gy = luma[i + width] - luma[i - width];
                step[i] = (byte)Math.Min(255, (int)(MathF.Sqrt((gx * gx) + (gy * gy)) * 0.5f));
            }
        }

        byte[] high = WindowExtreme(luma, width, height, max: true);
        byte[] low = WindowExtreme(luma, width, height, max: false);
        byte[] steepest = WindowExtreme(step, width, height, max: true);

        bool Edge(int i) => high[i] - low[i] >= MinSpan;
        bool IsSharp(int i) => high[i] - low[i] <= SharpWidth * steepest[i];

        int outline = 0, outlineSharp = 0, inside = 0, insideSharp = 0, sharp = 0;
        bool[] sharpMap = new bool[n];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int i = (y * width) + x;
                if (!Edge(i))
                {
                    continue;
                }

                bool isSharp = IsSharp(i);
                if (isSharp)
                {
                    sharp++;
                    sharpMap[i] = true;
                }

                bool within = matte[i] >= 128;
                if (within)
                {
                    inside++;
                    insideSharp += isSharp ? 1 : 0;
                }

                bool crossing = within && ((x > 0 && matte[i - 1] < 128) || (x < width - 1 && matte[i + 1] < 128) || (y > 0 && matte[i - width] < 128) || (y < height - 1 && matte[i + width] < 128));
                if (crossing)
                {
                    outline++;
                    outlineSharp += isSharp ? 1 : 0;
                }
            }
        }

        (int Left, int Top, int Width, int Height)? box = sharp > 0 ? DenseBox(sharpMap, width, height) : null;
        return new Reading(outline, outline == 0 ? 0 : outlineSharp / (double)outline, inside, inside == 0 ? 0 : insideSharp / (double)inside, sharp, box);
    }

    /// <summary>
    /// Where the sharp pixels gather: the photo cut in blocks of <see cref="Block"/> pixels, the box around every block
    /// whose share of sharp pixels is at least a quarter of the densest block's and at least 1/20 (stray sharp
    /// pixels — a highlight, a speck — do not stretch it).
    /// </summary>
    private static (int Left, int Top, int Width, int Height)? DenseBox(bool[] sharpMap, int width, int height)
    {
        int across = (width + Block - 1) / Block, down = (height + Block - 1) / Block;
        double[] density = new double[across * down];
        for (int by = 0; by < down; by++)
        {
            for (int bx = 0; bx < across; bx++)
            {
                int x0 = bx * Block, y0 = by * Block, x1 = Math.Min(width, x0 + Block), y1 = Math.Min(height, y0 + Block), count = 0;
                for (int y = y0; y < y1; y++)
                {
                    for (int x = x0; x < x1; x++)
                    {
                        count += sharpMap[(y * width) + x] ? 1 : 0;
                    }
                }

                density[(by * across) + bx] = count / (double)((x1 - x0) * (y1 - y0));
            }
        }

        double floor = Math.Max(0.05, 0.25 * density.Max());
        int left = int.MaxValue, top = int.MaxValue, right = -1, bottom = -1;
        for (int b = 0; b < density.Length; b++)
        {
            if (density[b] >= floor)
            {
                int bx = b % across, by = b / across;
                left = Math.Min(left, bx * Block);
                top = Math.Min(top, by * Block);
                right = Math.Max(right, Math.Min(width, (bx + 1) * Block));
                bottom = Math.Max(bottom, Math.Min(height, (by + 1) * Block));
            }
        }

        return right < 0 ? null : (left, top, right - left, bottom - top);
    }

    /// <summary>The maximum (or minimum) over the (2·Reach + 1)² window around each pixel, clamped at the borders.</summary>
    private static byte[] WindowExtreme(byte[] source, int width, int height, bool max)
    {
        byte[] across = (byte[])source.Clone(), result = new byte[source.Length];
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> row = source.AsSpan(y * width, width);
            Span<byte> output = across.AsSpan(y * width, width);
            for (int k = 1; k <= Reach && k < width; k++)
            {
                Combine(output[..(width - k)], row[k..], max);
                Combine(output[k..], row[..(width - k)], max);
            }
        }

        for (int y = 0; y < height; y++)
        {
            int from = Math.Max(0, y - Reach), to = Math.Min(height - 1, y + Reach);
            Span<byte> output = result.AsSpan(y * width, width);
            across.AsSpan(from * width, width).CopyTo(output);
            for (int r = from + 1; r <= to; r++)
            {
                Combine(output, across.AsSpan(r * width, width), max);
            }
        }

        return result;
    }

    /// <summary>Each byte of <paramref name="into"/> becomes the larger (or smaller) of itself and <paramref name="other"/>'s.</summary>
    private static void Combine(Span<byte> into, ReadOnlySpan<byte> other, bool max)
    {
        int x = 0;
        for (; x + Vector<byte>.Count <= into.Length; x += Vector<byte>.Count)
        {
            Vector<byte> a = new(into[x..]), b = new(other[x..]);
            (max ? Vector.Max(a, b) : Vector.Min(a, b)).CopyTo(into[x..]);
        }

        for (; x < into.Length; x++)
        {
            into[x] = max ? Math.Max(into[x], other[x]) : Math.Min(into[x], other[x]);
        }
    }
}
