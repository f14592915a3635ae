using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Darkroom.Core.Classification;
using Darkroom.Inference;

namespace Darkroom.Pipeline.Classification;

/// <summary>
/// Identity documents by what is printed on them: the PP-OCR recogniser's text searched for document titles
/// (居民身份证, PASSPORT, DRIVER LICENSE, …), field labels (姓名, DATE OF BIRTH, NATIONALITY, …), machine-readable
/// zone lines and ID numbers, plus the ID-1 card or passport-page aspect ratio and a text layout of several
/// short lines. Each finding adds to the score; titles and MRZ lines weigh most.
/// </summary>
public sealed partial class IdCardDetector : IClassifierStep
{
    public const string Version = "1";

    private static readonly string[] Titles =
    [
        "居民身份证", "公民身份号码", "身份证", "PASSPORT", "PASSEPORT", "REISEPASS", "DRIVERLICENSE", "DRIVERSLICENSE", "DRIVINGLICENCE",
        "DRIVINGLICENSE", "IDENTITYCARD", "IDCARD", "CARTED'IDENTITE", "CARTEDIDENTITE", "PERSONALAUSWEIS", "RESIDENCEPERMIT", "机动车驾驶证", "驾驶证", "护照",
    ];

    private static readonly string[] Labels =
    [
        "姓名", "性别", "民族", "出生", "住址", "签发机关", "有效期限", "SURNAME", "GIVENNAME", "DATEOFBIRTH", "NATIONALITY", "SEX", "DATEOFEXPIRY",
        "EXPIRES", "DATEOFISSUE", "PLACEOFBIRTH", "AUTHORITY", "DOB", "ADDRESS", "CLASS",
    ];

    public string Name => "idcard";

    public string Method => ClassifyMethods.Local;

    public async Task<StepOutcome> ClassifyAsync(ClassifierInput input, CancellationToken cancellationToken)
    {
        IReadOnlyList<TextBox> boxes = await input.TextBoxesAsync(cancellationToken);
        if (boxes.Count < 3)
        {
            return StepOutcome.Pass($"{boxes.Count} text regions: too few for a document");
        }

        IReadOnlyList<TextLine> lines = await input.TextLinesAsync(cancellationToken);
        string[] normalised = [.. lines.Select(l => Normalise(l.Text))];
        string all = string.Concat(normalised);
        var found = new List<string>();
        double score = 0;
        string? title = Titles.FirstOrDefault(t => all.Contains(t, StringComparison.Ordinal));
        if (title is not null)
        {
            score += 0.5;
            found.Add($"title '{title}'");
        }

        string[] labels = [.. Labels.Where(l => all.Contains(l, StringComparison.Ordinal))];
        if (labels.Length > 0)
        {
            score += Math.Min(0.3, 0.1 * labels.Length);
            found.Add($"{labels.Length} field label(s)");
        }

        if (normalised.Any(l => Mrz().IsMatch(l)))
        {
            score += 0.5;
            found.Add("a machine-readable zone line");
        }

        if (IdNumber().IsMatch(all))
        {
            score += 0.2;
            found.Add("an ID number");
        }

        double aspect = (double)Math.Max(input.Facts.Width, input.Facts.Height) / Math.Min(input.Facts.Width, input.Facts.Height);
        if (score > 0 && aspect is >= 1.35 and <= 1.75)
        {
            score += 0.15;
            found.Add(string.Create(CultureInfo.InvariantCulture, $"a card-like aspect of {aspect:0.00}"));
        }

        if (score > 0 && lines.Count >= 4)
        {
            score += 0.05;
        }

        if (found.Count == 0)
        {
            return StepOutcome.Pass($"{lines.Count} text lines, no document words");
        }

        double confidence = Math.Min(0.98, score);
        return new StepOutcome(
            new ClassifierVerdict(Categories.IdCard, confidence, $"An identity document: {string.Join(", ", found)}.", "ppocr-v4+idcard-rules", Version),
            $"score {confidence:0.00}");
    }

    /// <summary>Upper case, without spaces and most punctuation, so "Driver's License" and "DRIVER LICENSE" meet.</summary>
    public static string Normalise(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char c in text.ToUpperInvariant())
        {
            if (!char.IsWhiteSpace(c) && c is not ('\'' or '’' or '.' or ':' or ',' or '-' or '/' or '_' or '：'))
            {
                builder.Append(c);
            }
        }

        return builder.ToString().Replace("DRIVERSLICENCE", "DRIVINGLICENCE", StringComparison.Ordinal);
    }

    // ICAO 9303 machine-readable lines: 25-44 characters of A-Z, 0-9 and '<', with a run of fillers.
    [GeneratedRegex("^(?=[A-Z0-9<]{25,44}$)[A-Z0-9<]*<<[A-Z0-9<]*$")]
    private static partial Regex Mrz();

    // China's 18-character resident ID number (17 digits and a digit or X).
    [GeneratedRegex("(?<![0-9])[1-9][0-9]{16}[0-9X](?![0-9])")]
    private static partial Regex IdNumber();
}
