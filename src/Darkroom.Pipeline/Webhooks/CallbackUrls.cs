using System.Net;
using System.Net.Sockets;
using Darkroom.Core.Errors;
using Darkroom.Core.Webhooks;
using Microsoft.Extensions.Options;

namespace Darkroom.Pipeline.Webhooks;

/// <summary>Checks a callback URL when a job names it: absolute http(s), no credentials, a host that resolves to public addresses only.</summary>
public sealed class CallbackUrls(IOptions<WebhookOptions> options)
{
    public const int MaxLength = 2000;

    public async Task<string> CheckAsync(string url, CancellationToken cancellationToken)
    {
        if (url.Length > MaxLength
            || !Uri.TryCreate(url, UriKind.Absolute, out Uri? uri)
            || uri.Scheme is not ("http" or "https")
            || !string.IsNullOrEmpty(uri.UserInfo)
            || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw new DarkroomException(ErrorCodes.CallbackInvalid, 400, $"callbackUrl must be an absolute http(s) URL of at most {MaxLength} characters, without credentials or fragment.");
        }

        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(uri.IdnHost, cancellationToken);
        }
        catch (SocketException)
        {
            throw new DarkroomException(ErrorCodes.CallbackInvalid, 400, $"The callback host '{Darkroom.Core.Ports.BlobNames.Printable(uri.Host, 100)}' does not resolve.");
        }

        if (addresses.Length == 0)
        {
            throw new DarkroomException(ErrorCodes.CallbackInvalid, 400, $"The callback host '{Darkroom.Core.Ports.BlobNames.Printable(uri.Host, 100)}' does not resolve.");
        }

        if (!options.Value.AllowPrivateHosts && addresses.FirstOrDefault(a => !NetworkRanges.IsPublic(a)) is { } blocked)
        {
            throw new DarkroomException(
                ErrorCodes.CallbackForbiddenHost,
                400,
                $"The callback host '{Darkroom.Core.Ports.BlobNames.Printable(uri.Host, 100)}' resolves to {blocked}, a loopback, private or reserved address; callbacks go to public hosts only.");
        }

        return uri.AbsoluteUri;
    }

    /// <summary>The addresses a host name stands for (an IP literal stands for itself); what both the submission check and the connect-time check judge.</summary>
    public static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        IPAddress.TryParse(host, out IPAddress? literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
}
