namespace Darkroom.Core.Ports;

/// <summary>Blob storage for uploads, intermediates and results. References are "container/name".</summary>
public interface IArtifactStore
{
    Task PutAsync(string reference, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken);

    /// <summary>The whole blob, or null when it does not exist.</summary>
    Task<byte[]?> GetAsync(string reference, CancellationToken cancellationToken);

    /// <summary>A stream over the blob with its content type, or null when it does not exist.</summary>
    Task<ArtifactStream?> OpenReadAsync(string reference, CancellationToken cancellationToken);

    /// <summary>The blob with its metadata and ETag, or null when it does not exist.</summary>
    Task<ArtifactContent?> ReadAsync(string reference, CancellationToken cancellationToken);

    /// <summary>As <see cref="ReadAsync(string, CancellationToken)"/>, refusing (before reading the body) a blob over <paramref name="maxBytes"/>.</summary>
    /// <exception cref="ArtifactTooLargeException">The blob is larger.</exception>
    Task<ArtifactContent?> ReadAsync(string reference, long maxBytes, CancellationToken cancellationToken);

    /// <summary>One page of blob names (within the container) under a prefix, and where the next page starts (null at the end).</summary>
    Task<ArtifactPage> ListPageAsync(string container, string prefix, string? continuation, int pageSize, CancellationToken cancellationToken);

    /// <summary>Deletes the blob only if it still has <paramref name="etag"/>; false when it changed or is gone.</summary>
    Task<bool> DeleteIfUnchangedAsync(string reference, string etag, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(string reference, CancellationToken cancellationToken);

    Task DeleteAsync(string reference, CancellationToken cancellationToken);

    /// <summary>Deletes every blob whose name starts with <paramref name="prefix"/> in <paramref name="container"/>; returns how many.</summary>
    Task<int> DeletePrefixAsync(string container, string prefix, CancellationToken cancellationToken);
}

public sealed record ArtifactPage(IReadOnlyList<string> Names, string? Continuation);

/// <summary>A blob is larger than the reader accepts; nothing of it was read.</summary>
public sealed class ArtifactTooLargeException(string reference, long length)
    : Exception($"'{reference}' is {length} bytes, over the limit.")
{
    public long Length { get; } = length;
}

public sealed record ArtifactContent(byte[] Bytes, string ContentType, IReadOnlyDictionary<string, string> Metadata, string ETag);

public sealed record ArtifactStream(Stream Content, string ContentType, long Length) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Content.DisposeAsync();
}
