using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Darkroom.Core.Webhooks;

/// <summary>
/// How callbacks are signed: <c>X-Darkroom-Timestamp</c> is the Unix time in seconds, and
/// <c>X-Darkroom-Signature</c> is <c>v1=</c> + lowercase hex of HMAC-SHA256(secret, timestamp + "." + body),
/// the body as the exact bytes sent.
/// </summary>
public static class WebhookSignature
{
    public const string TimestampHeader = "X-Darkroom-Timestamp";
    public const string SignatureHeader = "X-Darkroom-Signature";
    public const string EventHeader = "X-Darkroom-Event";
    public const string DeliveryHeader = "X-Darkroom-Delivery";

    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        byte[] prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        byte[] signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }
}
