using Darkroom.Core.Errors;
using Darkroom.Core.Images;
using Microsoft.Extensions.Options;
using NetVips;

namespace Darkroom.Imaging;

/// <summary>Checks an upload against the limits and reads its facts, without decoding more than it must.</summary>
public sealed class ImageProbe(IOptions<ImagingOptions> options)
{
    private const int VerifySize = 64;

    private readonly ImagingOptions _limits = options.Value;

    /// <summary>
    /// Sniffs the format, reads the header and enforces the size, area and format limits; then decodes a small
    /// thumbnail, which reads the whole compressed stream, so truncated and corrupt files fail here and not later.
    /// </summary>
    public ImageFacts Probe(byte[] bytes, string what = "image")
    {
        if (bytes.Length == 0)
        {
            throw new DarkroomException(ErrorCodes.ImageEmpty, 400, $"The {what} is empty (0 bytes).");
        }

        if (bytes.LongLength > _limits.MaxUploadBytes)
        {
            throw TooLarge(bytes.LongLength);
        }

        ImageFormat format = FormatSniffer.Sniff(bytes.AsSpan(0, Math.Min(bytes.Length, 32)))
            ?? throw new DarkroomException(
                ErrorCodes.ImageUnsupportedFormat,
                415,
                $"The {what} is not an image in a supported format ({Supported()}); the format is read from the bytes, not the file name.");
        if (Array.IndexOf(_limits.AllowedFormats, format) < 0)
        {
            throw new DarkroomException(ErrorCodes.ImageUnsupportedFormat, 415, $"{format} is not accepted here; use one of {Supported()}.");
        }

        ImageFacts facts = ReadHeader(bytes, format, what);
        if (facts.Width > _limits.MaxDimension || facts.Height > _limits.MaxDimension || facts.Megapixels > _limits.MaxMegapixels)
        {
            throw new DarkroomException(
                ErrorCodes.ImageTooManyPixels,
                413,
                $"The {what} is {facts.Width}x{facts.Height} ({facts.Megapixels:0.#} MP); the limit is {_limits.MaxMegapixels:0.#} MP and {_limits.MaxDimension} px a side. Downscale it and try again.");
        }

        VerifyDecodes(bytes, what);
        return facts;
    }

    public DarkroomException TooLarge(long bytes) => new(
        ErrorCodes.ImageTooLarge,
        413,
        $"The upload is {bytes / 1048576.0:0.#} MB; the limit is {_limits.MaxUploadBytes / 1048576.0:0.#} MB.");

    private static ImageFacts ReadHeader(byte[] bytes, ImageFormat format, string what)
    {
        try
        {
            using Image header = Image.NewFromBuffer(bytes, access: Enums.Access.Sequential);
            int orientation = header.Contains("orientation") ? Math.Clamp((int)header.Get("orientation"), 1, 8) : 1;
            bool swapped = orientation >= 5;
            return new ImageFacts(
                format,
                swapped ? header.Height : header.Width,
                swapped ? header.Width : header.Height,
                orientation,
                header.HasAlpha(),
                header.Contains("icc-profile-data"),
                bytes.LongLength);
        }
        catch (VipsException ex)
        {
            throw Problems.Corrupt(what, Regions.FirstLine(ex.Message));
        }
    }

    private static void VerifyDecodes(byte[] bytes, string what)
    {
        try
        {
            // Warnings too: a damaged entropy-coded scan or a bad chunk checksum is only a decoder warning, and
            // decoding on would turn it into garbage pixels.
            using Image thumb = Image.ThumbnailBuffer(bytes, VerifySize, "[fail_on=warning]", height: VerifySize);
            _ = thumb.Avg();
        }
        catch (VipsException ex)
        {
            throw Problems.Corrupt(what, Regions.FirstLine(ex.Message));
        }
    }

    private string Supported() => string.Join(", ", _limits.AllowedFormats);
}
