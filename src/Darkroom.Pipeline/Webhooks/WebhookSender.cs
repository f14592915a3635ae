using System.Net.Http.Headers;
using Darkroom.Core.Webhooks;
using Microsoft.Extensions.Options;

namespace Darkroom.Pipeline.Webhooks;

/// <summary>What one delivery attempt got: the receiver's status, or why there was none.</summary>
public sealed record DeliveryResponse(int? Status, string? Error);

/// <summary>
/// Posts signed callbacks. Each connection checks the address it is about to dial (not only the name checked at
/// submission), so a host that re-resolves to a private address after the check is still refused.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    private readonly HttpClient _client;

    public WebhookSender(IOptions<WebhookOptions> options)
    {
        WebhookOptions o = options.Value;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = (context, cancellationToken) => PublicConnector.ConnectAsync(context, o.AllowPrivateHosts, cancellationToken),
        };
        _client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(o.TimeoutSeconds) };
        _client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Darkroom-Webhooks", "1"));
    }

    public async Task<DeliveryResponse> PostAsync(
        string url, byte[] body, string secret, long timestamp, string eventName, string deliveryId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, timestamp, body));
        request.Headers.Add(WebhookSignature.EventHeader, eventName);
        request.Headers.Add(WebhookSignature.DeliveryHeader, deliveryId);
        try
        {
            using HttpResponseMessage response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return new DeliveryResponse((int)response.StatusCode, null);
        }
        catch (HttpRequestException ex) when (ex.InnerException is ForbiddenAddressException forbidden)
        {
            return new DeliveryResponse(null, $"The callback host '{forbidden.Host}' resolves to no public address.");
        }
        catch (HttpRequestException ex)
        {
            return new DeliveryResponse(null, ex.InnerException?.Message ?? ex.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DeliveryResponse(null, $"No response within {_client.Timeout.TotalSeconds:0} s.");
        }
    }

    public void Dispose() => _client.Dispose();
}
