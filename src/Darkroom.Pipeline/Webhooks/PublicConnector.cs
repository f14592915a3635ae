using System.Net;
using System.Net.Sockets;
using Darkroom.Core.Webhooks;

namespace Darkroom.Pipeline.Webhooks;

/// <summary>A dial to a host name refused because every address it resolves to is loopback, private or reserved.</summary>
public sealed class ForbiddenAddressException(string host) : IOException($"The host '{host}' resolves to no public address.")
{
    public string Host { get; } = host;
}

/// <summary>
/// The connect step of every outgoing request to a caller-given URL (webhooks, image URLs): it resolves the host
/// itself and dials only public addresses, so a name checked at submission that re-resolves to a private address
/// (DNS rebinding), or a redirect to one, is still refused at the moment of connecting.
/// </summary>
public static class PublicConnector
{
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, bool allowPrivate, CancellationToken cancellationToken)
    {
        IPAddress[] addresses = await CallbackUrls.ResolveAsync(context.DnsEndPoint.Host, cancellationToken);
        IPAddress[] allowed = allowPrivate ? addresses : [.. addresses.Where(NetworkRanges.IsPublic)];
        if (allowed.Length == 0)
        {
            throw new ForbiddenAddressException(context.DnsEndPoint.Host);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
