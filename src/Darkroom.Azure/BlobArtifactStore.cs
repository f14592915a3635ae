using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Darkroom.Core.Ports;

namespace Darkroom.Azure;

/// <summary><see cref="IArtifactStore"/> on Azure Blob Storage.</summary>
public sealed class BlobArtifactStore(StorageClients clients) : IArtifactStore
{
    public async Task PutAsync(string reference, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken)
    {
        BlobClient blob = Blob(reference);
        await blob.UploadAsync(
            BinaryData.FromBytes(content),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } },
            cancellationToken);
    }

    public async Task<byte[]?> GetAsync(string reference, CancellationToken cancellationToken) =>
        (await ReadAsync(reference, cancellationToken))?.Bytes;

    public async Task<ArtifactStream?> OpenReadAsync(string reference, CancellationToken cancellationToken)
    {
        try
        {
            Response<BlobDownloadStreamingResult> response = await Blob(reference).DownloadStreamingAsync(cancellationToken: cancellationToken);
            BlobDownloadStreamingResult result = response.Value;
            return new ArtifactStream(result.Content, result.Details.ContentType ?? "application/octet-stream", result.Details.ContentLength);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public Task<ArtifactContent?> ReadAsync(string reference, CancellationToken cancellationToken) =>
        ReadAsync(reference, long.MaxValue, cancellationToken);

    public async Task<ArtifactContent?> ReadAsync(string reference, long maxBytes, CancellationToken cancellationToken)
    {
        try
        {
            Response<BlobDownloadStreamingResult> response = await Blob(reference).DownloadStreamingAsync(cancellationToken: cancellationToken);
            using BlobDownloadStreamingResult result = response.Value;
            if (result.Details.ContentLength > maxBytes)
            {
                throw new ArtifactTooLargeException(reference, result.Details.ContentLength);
            }

            byte[] bytes = new byte[result.Details.ContentLength];
            await result.Content.ReadExactlyAsync(bytes, cancellationToken);
            return new ArtifactContent(
                bytes,
                result.Details.ContentType ?? "application/octet-stream",
                new Dictionary<string, string>(result.Details.Metadata, StringComparer.OrdinalIgnoreCase),
                result.Details.ETag.ToString());
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public async Task<ArtifactPage> ListPageAsync(string container, string prefix, string? continuation, int pageSize, CancellationToken cancellationToken)
    {
        await foreach (Page<BlobItem> page in clients.Container(container)
            .GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken)
            .AsPages(continuation, pageSize))
        {
            return new ArtifactPage([.. page.Values.Select(b => b.Name)], string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken);
        }

        return new ArtifactPage([], null);
    }

    public async Task<bool> DeleteIfUnchangedAsync(string reference, string etag, CancellationToken cancellationToken)
    {
        try
        {
            await Blob(reference).DeleteAsync(conditions: new BlobRequestConditions { IfMatch = new ETag(etag) }, cancellationToken: cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return false;
        }
    }

    public async Task<bool> ExistsAsync(string reference, CancellationToken cancellationToken) =>
        (await Blob(reference).ExistsAsync(cancellationToken)).Value;

    public async Task DeleteAsync(string reference, CancellationToken cancellationToken) =>
        await Blob(reference).DeleteIfExistsAsync(cancellationToken: cancellationToken);

    public async Task<int> DeletePrefixAsync(string container, string prefix, CancellationToken cancellationToken)
    {
        BlobContainerClient client = clients.Container(container);
        int deleted = 0;
        await foreach (BlobItem item in client.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
        {
            if ((await client.DeleteBlobIfExistsAsync(item.Name, cancellationToken: cancellationToken)).Value)
            {
                deleted++;
            }
        }

        return deleted;
    }

    /// <summary>
    /// The one place a blob client is made: a name that URL handling could rewrite (dot segments, '%', control
    /// characters…) is refused here, so no storage call ever reaches a blob other than the one named.
    /// </summary>
    private BlobClient Blob(string reference)
    {
        (string container, string name) = ArtifactPaths.Split(reference);
        if (!BlobNames.IsSafe(name, out string why))
        {
            throw new ArgumentException($"Refusing to address blob '{BlobNames.Printable(name)}': {why}.", nameof(reference));
        }

        return clients.Container(container).GetBlobClient(name);
    }
}
