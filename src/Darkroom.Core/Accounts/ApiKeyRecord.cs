namespace Darkroom.Core.Accounts;

/// <summary>An API key as stored: only its SHA-256, the tenant and plan it grants, and whether it was revoked.</summary>
/// <param name="Prefix">The key's first characters, safe to show (to tell keys apart when revoking).</param>
public sealed record ApiKeyRecord(string KeyHash, string Prefix, string Tenant, string Plan, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public bool IsActive => RevokedAt is null;

    /// <summary>Signs this key's job callbacks (HMAC-SHA256). Shown once, at creation; kept because signing needs it.</summary>
    public string? WebhookSecret { get; init; }

    /// <summary>The callback for this key's jobs that name none.</summary>
    public string? CallbackUrl { get; init; }

    public Account ToAccount() => new(Tenant, Plan, KeyHash, CallbackUrl);
}
