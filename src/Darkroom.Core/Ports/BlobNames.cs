using System.Globalization;
using System.Text;

namespace Darkroom.Core.Ports;

/// <summary>
/// Which blob names Darkroom will ever address. Storage SDKs build a URL from a name, and URL handling collapses
/// "." and ".." segments, so a name such as "remove-background/../../results/acme/x" would reach another blob. A
/// safe name is a path of segments that are never dot segments (raw or percent-encoded), hold no control
/// characters, no '\', '%', '?', '#' or ':' and no leading or trailing space.
/// </summary>
public static class BlobNames
{
    /// <summary>Longest name Darkroom addresses; room for the outbox prefix and ".error.json" within Azure's 1,024.</summary>
    public const int MaxLength = 900;

    public const int MaxSegmentLength = 255;

    private const string Allowed = " -_.,()+=@&'!~[]";

    /// <summary>Whether a blob name (within its container) is safe to address; <paramref name="why"/> says what is wrong.</summary>
    public static bool IsSafe(string name, out string why)
    {
        if (name.Length == 0 || name.Length > MaxLength)
        {
            why = $"a blob name must be 1-{MaxLength} characters";
            return false;
        }

        foreach (string segment in name.Split('/'))
        {
            if (segment.Length == 0)
            {
                why = "empty path segment";
                return false;
            }

            if (segment is "." or ".." || segment.Trim('.').Length == 0)
            {
                why = "dot segment";
                return false;
            }

            if (segment.Length > MaxSegmentLength || segment[0] == ' ' || segment[^1] == ' ')
            {
                why = "path segment too long or padded with spaces";
                return false;
            }

            foreach (Rune rune in segment.EnumerateRunes())
            {
                if (!Rune.IsLetterOrDigit(rune) && !(rune.IsAscii && Allowed.Contains((char)rune.Value, StringComparison.Ordinal)))
                {
                    why = $"character U+{rune.Value:X4} is not allowed in a name";
                    return false;
                }
            }
        }

        why = "";
        return true;
    }

    /// <summary>
    /// A name for logs and error texts: control and non-ASCII characters as \u escapes, cut to <paramref name="max"/>
    /// characters, so that a caller's value can neither forge log lines nor flood a response.
    /// </summary>
    public static string Printable(string? value, int max = 200)
    {
        if (value is null)
        {
            return "(null)";
        }

        var text = new StringBuilder(Math.Min(value.Length, max) + 8);
        foreach (char c in value)
        {
            if (text.Length >= max)
            {
                text.Append('…');
                break;
            }

            if (c < 0x20 || c == 0x7F || (c >= 0x80 && (char.IsControl(c) || char.IsSurrogate(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)))
            {
                text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }
}
