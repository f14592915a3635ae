namespace Darkroom.Imaging;

/// <summary>
/// Depth of field as a second opinion on a salient-object model. A photographer focuses on the subject: its outline is
/// sharp, while what lies well before or behind it is blurred. When the outline of what the model chose is soft
/// almost everywhere, and its inside mostly soft, while sharp edges gather elsewhere in the photo, the model has most
/// likely taken a blurred object (a cup, a face behind the subject) for the subject, and the sharp region is where the
/// subject is. The photo's sharpness (<see cref="Measure"/>) is read once and then against any matte (<see cref="Sharpness.Read"/>).
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
    public static Reading Read(ReadOnlySpan<byte> rgb, ReadOnlySpan<byte> matte, int width, int height) => Measure(rgb, width, height).Read(matte);

    /// <summary>Where the photo (RGB bytes) has an edge, and where that edge is sharp.</summary>
    public static Sharpness Measure(ReadOnlySpan<byte> rgb, int width, int height)
    {
        int n = width * height;
        if (rgb.Length < n * 3)
        {
            throw new ArgumentException("The photo must cover the grid.", nameof(rgb));
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

        const int window = (2 * Reach) + 1;
        byte[] high = MorphFilter.Extreme(luma, width, height, 1, window, maximum: true);
        byte[] low = MorphFilter.Extreme(luma, width, height, 1, window, maximum: false);
        byte[] steepest = MorphFilter.Extreme(step, width, height, 1, window, maximum: true);
        bool[] edge = new bool[n];
        bool[] sharp = new bool[n];
        int count = 0;
        for (int i = 0; i < n; i++)
        {
            int span = high[i] - low[i];
            edge[i] = span >= MinSpan;
            sharp[i] = edge[i] && span <= SharpWidth * steepest[i];
            count += sharp[i] ? 1 : 0;
        }

        return new Sharpness(width, height, edge, sharp, count, count > 0 ? DenseBox(sharp, width, height) : null);
    }

    /// <summary>A photo's edges and which of them are sharp, on the grid it was measured on.</summary>
    public sealed class Sharpness
    {
        private readonly int width, height;
        private readonly bool[] edge, sharp;
        private readonly int count;
        private readonly (int Left, int Top, int Width, int Height)? box;

        internal Sharpness(int width, int height, bool[] edge, bool[] sharp, int count, (int Left, int Top, int Width, int Height)? box)
        {
            this.width = width;
            this.height = height;
            this.edge = edge;
            this.sharp = sharp;
            this.count = count;
            this.box = box;
        }

        /// <summary>The reading of a matte (one byte a pixel, the same grid) against the photo's sharpness.</summary>
        public Reading Read(ReadOnlySpan<byte> matte)
        {
            if (matte.Length < width * height)
            {
                throw new ArgumentException("The matte must cover the grid.", nameof(matte));
            }

            int outline = 0, outlineSharp = 0, inside = 0, insideSharp = 0;
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    int i = (y * width) + x;
                    if (!edge[i] || matte[i] < 128)
                    {
                        continue;
                    }

                    inside++;
                    insideSharp += sharp[i] ? 1 : 0;
                    bool crossing = (x > 0 && matte[i - 1] < 128) || (x < width - 1 && matte[i + 1] < 128) || (y > 0 && matte[i - width] < 128) || (y < height - 1 && matte[i + width] < 128);
                    if (crossing)
                    {
                        outline++;
                        outlineSharp += sharp[i] ? 1 : 0;
                    }
                }
            }

            return new Reading(outline, outline == 0 ? 0 : outlineSharp / (double)outline, inside, inside == 0 ? 0 : insideSharp / (double)inside, count, box);
        }
    }

    /// <summary>
    /// Where the sharp pixels gather: the photo cut in blocks of <see cref="Block"/> pixels, the box around every block
    /// whose share of sharp pixels is at least a quarter of the densest block's and at least 1/20 (stray sharp
    /// pixels — a highlight, a speck — do not stretch it).
    /// </summary>
    private static (int Left, int Top, int Width, int Height)? DenseBox(bool[] sharp, int width, int height)
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
                        count += sharp[(y * width) + x] ? 1 : 0;
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
}
