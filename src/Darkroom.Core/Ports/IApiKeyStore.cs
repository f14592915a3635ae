using Darkroom.Core.Accounts;

namespace Darkroom.Core.Ports;

/// <summary>The ApiKeys table, keyed by the key's hash.</summary>
public interface IApiKeyStore
{
    Task<ApiKeyRecord?> FindAsync(string keyHash, CancellationToken cancellationToken);

    Task UpsertAsync(ApiKeyRecord key, CancellationToken cancellationToken);

    /// <summary>Revokes every active key with this prefix; returns how many.</summary>
    Task<int> RevokeAsync(string prefix, DateTimeOffset at, CancellationToken cancellationToken);
}
