using System.Text.RegularExpressions;

namespace Darkroom.Core.Accounts;

/// <summary>What a tenant name may be (it becomes a table partition and a blob path segment): 1-40 of a-z, 0-9 and '-'.</summary>
public static partial class TenantNames
{
    public const string Pattern = "^[a-z0-9-]{1,40}$";

    /// <summary>The whole string must match (as <c>[RegularExpression]</c> checks it): "$" alone would let a trailing newline through.</summary>
    public static bool IsValid(string? tenant) => tenant is not null && Valid().Match(tenant) is { Success: true } match && match.Length == tenant.Length;

    [GeneratedRegex(Pattern)]
    private static partial Regex Valid();
}
