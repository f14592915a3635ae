namespace Darkroom.Core.Accounts;

/// <summary>Who a request acts for: the tenant it is scoped to, the plan it is billed on, and the key it came with (none for blob drops).</summary>
/// <param name="CallbackUrl">The key's default webhook, used when a job names none.</param>
public sealed record Account(string Tenant, string Plan, string? KeyHash = null, string? CallbackUrl = null);
