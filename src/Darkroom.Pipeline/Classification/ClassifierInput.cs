using Darkroom.Core.Images;
using Darkroom.Imaging;
using Darkroom.Inference;
using NetVips;

namespace Darkroom.Pipeline.Classification;

/// <summary>
/// One photo as the chain's steps see it: the bytes and facts, and what more than one step needs, computed once
/// (an upright working copy, camera EXIF, detected and recognised text). Shared work runs detached from any one
/// step's budget, so a step that times out does not spoil it for the next.
/// </summary>
public sealed class ClassifierInput : IDisposable
{
    /// <summary>Longest side of the working copy; enough for OCR on cards and screenshots.</summary>
    public const int WorkingSide = 1600;

    private readonly Lazy<Image> _upright;
    private readonly Lazy<Task<IReadOnlyList<TextBox>>> _boxes;
    private readonly Lazy<Task<IReadOnlyList<TextLine>>> _lines;

    public ClassifierInput(byte[] bytes, ImageFacts facts, TextDetector detector, TextRecognizer recognizer)
    {
        Bytes = bytes;
        Facts = facts;
        _upright = new Lazy<Image>(() =>
        {
            using Image thumbnail = Image.ThumbnailBuffer(bytes, WorkingSide, height: WorkingSide, size: Enums.Size.Down);
            using Image srgb = thumbnail.Interpretation == Enums.Interpretation.Srgb ? thumbnail.Copy() : thumbnail.Colourspace(Enums.Interpretation.Srgb);
            using Image uchar = srgb.Cast(Enums.BandFormat.Uchar);

            // Rendered once into memory: every step reads it, and the pipeline above is disposed here.
            return uchar.CopyMemory();
        });
        _boxes = new Lazy<Task<IReadOnlyList<TextBox>>>(() => detector.DetectAsync(Upright, CancellationToken.None));
        _lines = new Lazy<Task<IReadOnlyList<TextLine>>>(async () =>
        {
            IReadOnlyList<TextBox> boxes = await _boxes.Value;
            // The biggest boxes first; a card or a page has its telling words in its larger lines.
            return await recognizer.RecognizeAsync(Upright, boxes.OrderByDescending(b => b.Width * b.Height).Take(MaxLines), CancellationToken.None);
        });
        (CameraMake, Gps) = ReadExif(bytes);
    }

    public const int MaxLines = 40;

    public byte[] Bytes { get; }

    public ImageFacts Facts { get; }

    /// <summary>EXIF Make or Model, when the file has them: a camera (or phone camera) took it.</summary>
    public string? CameraMake { get; }

    /// <summary>The EXIF GPS position, when the file has one.</summary>
    public (double Latitude, double Longitude)? Gps { get; }

    public Image Upright => _upright.Value;

    public Task<IReadOnlyList<TextBox>> TextBoxesAsync(CancellationToken cancellationToken) => _boxes.Value.WaitAsync(cancellationToken);

    public Task<IReadOnlyList<TextLine>> TextLinesAsync(CancellationToken cancellationToken) => _lines.Value.WaitAsync(cancellationToken);

    public void Dispose()
    {
        if (_upright.IsValueCreated)
        {
            _upright.Value.Dispose();
        }
    }

    /// <summary>The camera and the GPS position from one read of the file's header.</summary>
    private static (string? Camera, (double Latitude, double Longitude)? Gps) ReadExif(byte[] bytes)
    {
        try
        {
            using Image header = Image.NewFromBuffer(bytes, access: Enums.Access.Sequential);
            string? camera = null;
            foreach (string field in new[] { "exif-ifd0-Make", "exif-ifd0-Model" })
            {
                if (header.Contains(field) && header.Get(field) is string value && value.Trim().Length > 0)
                {
                    // libvips shows EXIF strings as "Canon (Canon, ASCII, 6 components, 6 bytes)".
                    int paren = value.IndexOf(" (", StringComparison.Ordinal);
                    camera = (paren > 0 ? value[..paren] : value).Trim();
                    break;
                }
            }

            return (camera, Places.GpsOf(header));
        }
        catch (VipsException)
        {
            // The probe already accepted the file; a header without readable EXIF just has no camera and no position.
            return (null, null);
        }
    }
}
