using System.Security.Cryptography;

namespace Darkroom.Core.Jobs;

/// <summary>
/// Job ids are 32 lowercase hex digits: 12 of inverted milliseconds since the epoch, then 20 random.
/// Sorted as strings they list the newest job first, which is how Table Storage pages them.
/// </summary>
public static class JobIds
{
    private const long MaxMillis = 0xFFFF_FFFF_FFFF;

    public static string New(DateTimeOffset now)
    {
        long inverted = MaxMillis - now.ToUnixTimeMilliseconds();
        Span<byte> random = stackalloc byte[10];
        RandomNumberGenerator.Fill(random);
        return string.Create(32, (inverted, random.ToArray()), static (span, state) =>
        {
            state.inverted.TryFormat(span[..12], out _, "x12");
            Convert.ToHexStringLower(state.Item2).AsSpan().CopyTo(span[12..]);
        });
    }

    public static bool IsValid(string? id) =>
        id is { Length: 32 } && id.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
