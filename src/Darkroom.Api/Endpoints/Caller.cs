using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Darkroom.Core.Accounts;
using Darkroom.Core.Errors;
using Darkroom.Core.Ports;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Darkroom.Api.Endpoints;

/// <summary>
/// Who is calling: the tenant of the request's <c>X-API-Key</c>. A missing, unknown or revoked key is the same
/// 401 (no hint which). Lookups are cached for a few seconds, so a revocation takes effect within that time.
/// </summary>
public sealed class Caller(IApiKeyStore keys, TimeProvider clock, IOptions<AuthOptions> auth) : IDisposable
{
    public const string Header = "X-API-Key";

    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, (ApiKeyRecord? Key, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    // One fixed window per key; the partition carries the plan so a plan change gets its own limiter.
    private readonly PartitionedRateLimiter<(string Hash, string Plan)> _limiter = PartitionedRateLimiter.Create<(string Hash, string Plan), (string, string)>(
        k => RateLimitPartition.GetFixedWindowLimiter(k, p => new FixedWindowRateLimiterOptions
        {
            PermitLimit = auth.Value.LimitsOf(p.Item2).RequestsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

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

        using RateLimitLease lease = _limiter.AttemptAcquire((record.KeyHash, record.Plan));
        if (!lease.IsAcquired)
        {
            TimeSpan retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan wait) ? wait : TimeSpan.FromMinutes(1);
            throw new DarkroomException(
                ErrorCodes.RateLimited,
                429,
                $"This key's plan ({record.Plan}) allows {auth.Value.LimitsOf(record.Plan).RequestsPerMinute} requests a minute; retry after {Math.Ceiling(retryAfter.TotalSeconds)} s.")
            {
                RetryAfter = retryAfter,
            };
        }

        return record;
    }

    public void Dispose() => _limiter.Dispose();

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private async Task<ApiKeyRecord?> LookUpAsync(string hash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ApiKeyRecord? record = await keys.FindAsync(hash, cancellationToken);
        _cache[hash] = (record, now + CacheFor);
        return record;
    }

    private static DarkroomException Invalid() =>
        new(ErrorCodes.AuthInvalidKey, 401, $"Send a valid API key in the {Header} header.");
}
