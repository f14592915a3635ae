using NetVips;

namespace Darkroom.Imaging;

/// <summary>Rectangles and exact-size scaling, shared by compositing, masks and the inpainting models.</summary>
public static class Regions
{
    /// <summary>The box grown by <paramref name="margin"/> on every side, clamped to a width x height image.</summary>
    public static (int Left, int Top, int Width, int Height) Grow((int Left, int Top, int Width, int Height) box, int margin, int width, int height)
    {
        int left = Math.Max(0, box.Left - margin), top = Math.Max(0, box.Top - margin);
        int right = Math.Min(width, box.Left + box.Width + margin), bottom = Math.Min(height, box.Top + box.Height + margin);
        return (left, top, right - left, bottom - top);
    }

    /// <summary>
    /// The image scaled to exactly <paramref name="width"/> x <paramref name="height"/>: libvips' resize rounds each
    /// side, so the odd pixel is padded (edge copied) or trimmed to line up with the target exactly.
    /// </summary>
    public static Image ToExactSize(Image image, int width, int height, Enums.Kernel kernel)
    {
        if (image.Width == width && image.Height == height)
        {
            return image.Copy();
        }

        using Image scaled = image.Resize((double)width / image.Width, kernel: kernel, vscale: (double)height / image.Height);
        return scaled.Gravity(Enums.CompassDirection.NorthWest, width, height, extend: Enums.Extend.Copy);
    }

    /// <summary>The first line of a libvips error, which is the one that says what went wrong.</summary>
    internal static string FirstLine(string message)
    {
        string line = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault(l => l.Length > 0) ?? message;
        return line.Length > 200 ? line[..200] : line;
    }
}
