using System.Text;
using Darkroom.Core.Options;
using NetVips;

namespace Darkroom.Imaging;

/// <summary>Lays a caller's text mark over a result (compose's optional overlay watermark).</summary>
public static class Overlay
{
    private const double MeasureDpi = 300;

    /// <summary>The result with the mark over it; the same size and bands (uchar) as <paramref name="image"/>.</summary>
    public static Image Apply(Image image, OverlayMark mark)
    {
        if (!RemoveBackgroundOptions.TryParseColour(mark.Colour, out (byte R, byte G, byte B) colour))
        {
            throw new ArgumentException($"'{mark.Colour}' is not #rrggbb (options are validated before compose).", nameof(mark));
        }

        using Image text = Render(mark.Text, Math.Max(8, mark.Scale * image.Width));
        using Image coverage = (text * mark.Opacity).Cast(Enums.BandFormat.Uchar);
        using Image paint = coverage.NewFromImage([colour.R, colour.G, colour.B]).Cast(Enums.BandFormat.Uchar);
        using Image layer = paint.Bandjoin(coverage).Copy(interpretation: Enums.Interpretation.Srgb);

        using Image placed = Place(layer, mark.Position, image.Width, image.Height);
        using Image baseImage = image.Bands == 4 ? image.Copy(interpretation: Enums.Interpretation.Srgb) : image.Bandjoin(255).Copy(interpretation: Enums.Interpretation.Srgb);
        using Image composed = baseImage.Composite2(placed, Enums.BlendMode.Over, compositingSpace: Enums.Interpretation.Srgb);
        using Image bands = image.Bands == 4 ? composed.Copy() : composed.ExtractBand(0, n: image.Bands);
        return bands.Cast(Enums.BandFormat.Uchar);
    }

    /// <summary>The text in white on black (one band uchar), about <paramref name="width"/> pixels wide.</summary>
    private static Image Render(string text, double width)
    {
        string markup = Escape(text);
        double dpi;
        using (Image probe = Image.Text(markup, font: "sans bold", dpi: (int)MeasureDpi))
        {
            dpi = Math.Clamp(MeasureDpi * width / Math.Max(1, probe.Width), 4, 4000);
        }

        return Image.Text(markup, font: "sans bold", dpi: (int)Math.Round(dpi));
    }

    /// <summary>The layer at its place on a transparent canvas of the result's size (or repeated over it when tiled).</summary>
    private static Image Place(Image layer, OverlayPosition position, int width, int height)
    {
        int margin = (int)Math.Round(0.03 * Math.Min(width, height));
        if (position == OverlayPosition.Tiled)
        {
            int cellWidth = (int)Math.Ceiling(layer.Width * 1.5), cellHeight = layer.Height * 4;
            using Image cell = layer.Embed((cellWidth - layer.Width) / 2, (cellHeight - layer.Height) / 2, cellWidth, cellHeight);
            using Image tiled = cell.Replicate((width + cellWidth - 1) / cellWidth, (height + cellHeight - 1) / cellHeight);
            return tiled.ExtractArea(0, 0, width, height);
        }

        int x = position switch
        {
            OverlayPosition.TopLeft or OverlayPosition.BottomLeft => margin,
            OverlayPosition.Centre => (width - layer.Width) / 2,
            _ => width - layer.Width - margin,
        };
        int y = position switch
        {
            OverlayPosition.TopLeft or OverlayPosition.TopRight => margin,
            OverlayPosition.Centre => (height - layer.Height) / 2,
            _ => height - layer.Height - margin,
        };
        return layer.Embed(x, y, width, height);
    }

    /// <summary>Pango reads markup: the caller's text is shown as written, never interpreted.</summary>
    private static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            builder.Append(c switch { '&' => "&amp;", '<' => "&lt;", '>' => "&gt;", '"' => "&quot;", '\'' => "&apos;", _ => c.ToString() });
        }

        return builder.ToString();
    }
}
