using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Darkroom.Core.Accounts;
using Darkroom.Core.Errors;
using Darkroom.Core.Ports;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Darkroom.Api.Endpoints;

/// <summary>
/// Who is calling: the tenant of the request's <c>X-API-Key</c>. A missing, unknown or revoked key is the same
/// 401 (no hint which). Lookups are cached for a few seconds (at most <see cref="MaxCachedKeys"/> of them), so a
/// revocation takes effect within that time. The per-key rate limit counts in shared storage, one fixed window a
/// minute, so it holds across every replica of the host.
/// </summary>
public sealed class Caller(IApiKeyStore keys, IRateCounter rates, TimeProvider clock, IOptions<AuthOptions> auth)
{
    public const string Header = "X-API-Key";

    /// <summary>Most key lookups kept; past it, expired entries go, and if that is not enough, all of them.</summary>
    public const int MaxCachedKeys = 10_000;

    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, (ApiKeyRecord? Key, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    public async Task<string> TenantOfAsync(HttpContext context) => (await KeyOfAsync(context)).Tenant;

    public async Task<ApiKeyRecord> KeyOfAsync(HttpContext context)
    {
        string? key = context.Request.Headers[Header].FirstOrDefault();
        if (string.IsNullOrEmpty(key) || key.Length > 200)
        {
            throw Invalid();
        }

        string hash = Hash(key);
        DateTimeOffset now = clock.GetUtcNow();
        ApiKeyRecord? record = _cache.TryGetValue(hash, out (ApiKeyRecord? Key, DateTimeOffset Until) cached) && cached.Until > now
            ? cached.Key
            : await LookUpAsync(hash, now, context.RequestAborted);
        if (record is not { IsActive: true })
        {
            throw Invalid();
        }

        int perMinute = auth.Value.LimitsOf(record.Plan).RequestsPerMinute;
        DateTimeOffset window = new(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        if (await rates.IncrementAsync(record.KeyHash, window, context.RequestAborted) > perMinute)
        {
            TimeSpan retryAfter = window.AddMinutes(1) - now;
            throw new DarkroomException(
                ErrorCodes.RateLimited,
                429,
                $"This key's plan ({record.Plan}) allows {perMinute} requests a minute; retry after {Math.Ceiling(retryAfter.TotalSeconds)} s.")
            {
                RetryAfter = retryAfter,
            };
        }

        return record;
    }

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private async Task<ApiKeyRecord?> LookUpAsync(string hash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ApiKeyRecord? record = await keys.FindAsync(hash, cancellationToken);
        if (_cache.Count >= MaxCachedKeys)
        {
            foreach (KeyValuePair<string, (ApiKeyRecord? Key, DateTimeOffset Until)> entry in _cache.Where(e => e.Value.Until <= now).ToList())
            {
                _cache.TryRemove(entry.Key, out _);
            }

            if (_cache.Count >= MaxCachedKeys)
            {
                _cache.Clear();
            }
        }

        _cache[hash] = (record, now + CacheFor);
        return record;
    }

    private static DarkroomException Invalid() =>
        new(ErrorCodes.AuthInvalidKey, 401, $"Send a valid API key in the {Header} header.");
}
