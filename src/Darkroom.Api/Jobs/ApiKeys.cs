using System.Security.Cryptography;
using Darkroom.Api.Endpoints;
using Darkroom.Core.Accounts;
using Darkroom.Core.Ports;
using Microsoft.Extensions.Options;

namespace Darkroom.Api.Jobs;

/// <summary>Creates (shown once, stored hashed), revokes and seeds API keys.</summary>
public sealed class ApiKeys(IApiKeyStore store, IOptions<AuthOptions> options, TimeProvider clock)
{
    public const int PrefixLength = 10;

    /// <summary>A new key for the tenant; the only time the key itself is ever available.</summary>
    public async Task<(string Key, ApiKeyRecord Record)> CreateAsync(string tenant, string plan, string? callbackUrl, CancellationToken cancellationToken)
    {
        string key = "dr_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var record = new ApiKeyRecord(Caller.Hash(key), key[..PrefixLength], tenant, plan, clock.GetUtcNow(), null)
        {
            WebhookSecret = "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)),
            CallbackUrl = callbackUrl,
        };
        await store.UpsertAsync(record, cancellationToken);
        return (key, record);
    }

    public Task<int> RevokeAsync(string prefix, CancellationToken cancellationToken) =>
        store.RevokeAsync(prefix, clock.GetUtcNow(), cancellationToken);

    /// <summary>
    /// Makes the configured development key valid once, so the README's commands work on a fresh clone. The host calls
    /// it in the Development environment only; a key already on record (active or revoked) is left as it is, so a
    /// revocation survives restarts.
    /// </summary>
    public async Task SeedDevelopmentKeyAsync(CancellationToken cancellationToken)
    {
        AuthOptions auth = options.Value;
        if (string.IsNullOrEmpty(auth.DevelopmentKey))
        {
            return;
        }

        string hash = Caller.Hash(auth.DevelopmentKey);
        if (await store.FindAsync(hash, cancellationToken) is not null)
        {
            return;
        }

        string prefix = auth.DevelopmentKey[..Math.Min(PrefixLength, auth.DevelopmentKey.Length)];
        var record = new ApiKeyRecord(hash, prefix, auth.DevelopmentTenant, auth.DevelopmentPlan, clock.GetUtcNow(), null)
        {
            WebhookSecret = string.IsNullOrEmpty(auth.DevelopmentWebhookSecret) ? null : auth.DevelopmentWebhookSecret,
        };
        await store.UpsertAsync(record, cancellationToken);
    }
}
