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

        switch (await JudgeHostAsync(uri.IdnHost, options.Value.AllowPrivateHosts, cancellationToken))
        {
            case (false, _):
                throw new DarkroomException(ErrorCodes.CallbackInvalid, 400, $"The callback host '{Darkroom.Core.Ports.BlobNames.Printable(uri.Host, 100)}' does not resolve.");
            case (true, { } blocked):
                throw new DarkroomException(
                    ErrorCodes.CallbackForbiddenHost,
                    400,
                    $"The callback host '{Darkroom.Core.Ports.BlobNames.Printable(uri.Host, 100)}' resolves to {blocked}, a loopback, private or reserved address; callbacks go to public hosts only.");
        }

        return uri.AbsoluteUri;
    }

    /// <summary>
    /// The submission-time judgement of a host, shared by callbacks and photo URLs: whether it resolves at all, and the
    /// first address it resolves to that is not public (null when all are, or when private hosts are allowed). Each
    /// caller turns the answer into its own error codes; the connect-time half is <c>PublicConnector</c>.
    /// </summary>
    public static async Task<(bool Resolves, IPAddress? Blocked)> JudgeHostAsync(string host, bool allowPrivate, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(host, cancellationToken);
        }
        catch (SocketException)
        {
            return (false, null);
        }

        return addresses.Length == 0
            ? (false, null)
            : (true, allowPrivate ? null : addresses.FirstOrDefault(a => !NetworkRanges.IsPublic(a)));
    }

    /// <summary>The addresses a host name stands for (an IP literal stands for itself); what both the submission check and the connect-time check judge.</summary>
    public static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        IPAddress.TryParse(host, out IPAddress? literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
}
