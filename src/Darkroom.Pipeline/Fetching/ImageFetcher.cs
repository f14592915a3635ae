using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Darkroom.Core.Errors;
using Darkroom.Core.Ports;
using Darkroom.Core.Webhooks;
using Darkroom.Imaging;
using Darkroom.Pipeline.Webhooks;
using Microsoft.Extensions.Options;

namespace Darkroom.Pipeline.Fetching;

/// <summary>
/// Fetches an image the caller names by URL, with the rules callbacks follow: absolute http(s) without credentials,
/// public addresses only (checked before and again when connecting, for every redirect), at most
/// <see cref="FetchOptions.MaxRedirects"/> redirects, the upload size limit enforced while reading, and a time limit.
/// The bytes are not trusted from the response's Content-Type: the caller's validation sniffs them like an upload.
/// </summary>
public sealed class ImageFetcher : IDisposable
{
    public const int MaxUrlLength = 2000;

    private readonly HttpClient _client;
    private readonly FetchOptions _options;
    private readonly ImagingOptions _limits;

    public ImageFetcher(IOptions<FetchOptions> options, IOptions<ImagingOptions> limits)
    {
        _options = options.Value;
        _limits = limits.Value;
        bool allowPrivate = _options.AllowPrivateHosts;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectCallback = (context, cancellationToken) => PublicConnector.ConnectAsync(context, allowPrivate, cancellationToken),
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Darkroom-Fetch", "1"));
        _client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("image/*"));
    }

    /// <param name="field">The form field that named the URL, for the error message.</param>
    public async Task<byte[]> FetchAsync(string field, string url, CancellationToken cancellationToken)
    {
        Uri uri = Check(field, url);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.TimeoutSeconds));
        try
        {
            for (int redirects = 0; ; redirects++)
            {
                await CheckHostAsync(field, uri, timeout.Token);
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                using HttpResponseMessage response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    if (redirects >= _options.MaxRedirects)
                    {
                        throw Failed(field, $"more than {_options.MaxRedirects} redirects");
                    }

                    uri = Check(field, new Uri(uri, location).AbsoluteUri);
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    throw Failed(field, $"the server answered HTTP {(int)response.StatusCode}");
                }

                if (response.Content.Headers.ContentLength is long length && length > _limits.MaxUploadBytes)
                {
                    throw TooLarge(field, length);
                }

                return await ReadLimitedAsync(field, response.Content, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw Failed(field, $"no complete answer within {_options.TimeoutSeconds} s");
        }
        catch (HttpRequestException ex) when (ex.InnerException is ForbiddenAddressException forbidden)
        {
            throw Forbidden(field, forbidden.Host, null);
        }
        catch (HttpRequestException ex)
        {
            throw Failed(field, BlobNames.Printable(ex.InnerException?.Message ?? ex.Message, 200));
        }
    }

    public void Dispose() => _client.Dispose();

    private static Uri Check(string field, string url)
    {
        if (url.Length > MaxUrlLength
            || !Uri.TryCreate(url, UriKind.Absolute, out Uri? uri)
            || uri.Scheme is not ("http" or "https")
            || !string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new DarkroomException(ErrorCodes.UrlInvalid, 400, $"{field} must be an absolute http(s) URL of at most {MaxUrlLength} characters, without credentials.");
        }

        return uri;
    }

    private async Task CheckHostAsync(string field, Uri uri, CancellationToken cancellationToken)
    {
        switch (await CallbackUrls.JudgeHostAsync(uri.IdnHost, _options.AllowPrivateHosts, cancellationToken))
        {
            case (false, _):
                throw new DarkroomException(ErrorCodes.UrlInvalid, 400, $"The host of {field}, '{BlobNames.Printable(uri.Host, 100)}', does not resolve.");
            case (true, { } blocked):
                throw Forbidden(field, uri.Host, blocked);
        }
    }

    private async Task<byte[]> ReadLimitedAsync(string field, HttpContent content, CancellationToken cancellationToken)
    {
        await using Stream stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > _limits.MaxUploadBytes)
            {
                throw TooLarge(field, buffer.Length + read);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.Length == 0 ? throw Failed(field, "the answer was empty") : buffer.ToArray();
    }

    private DarkroomException TooLarge(string field, long bytes) =>
        new(ErrorCodes.UrlTooLarge, 413, $"The image at {field} is {bytes / 1048576.0:0.#} MB or more; the limit is {_limits.MaxUploadBytes / 1048576.0:0.#} MB.");

    private static DarkroomException Failed(string field, string why) =>
        new(ErrorCodes.UrlFetchFailed, 422, $"The image at {field} could not be fetched: {why}.");

    private static DarkroomException Forbidden(string field, string host, IPAddress? address) =>
        new(ErrorCodes.UrlForbiddenHost, 400, $"The host of {field}, '{BlobNames.Printable(host, 100)}', resolves to {(address is null ? "no public address" : address.ToString())}; images are fetched from public hosts only.");
}
