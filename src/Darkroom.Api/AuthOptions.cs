using System.ComponentModel.DataAnnotations;

namespace Darkroom.Api;

/// <summary>What a plan allows. (Quotas, concurrency and credits come with the accounts work still open.)</summary>
public sealed class PlanLimits
{
    /// <summary>Requests per key per minute (fixed window); past it, 429 with Retry-After.</summary>
    [Range(1, 1_000_000)]
    public int RequestsPerMinute { get; set; } = 30;
}

/// <summary>API keys, bound from <c>Darkroom:Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string Section = "Darkroom:Auth";

    /// <summary>
    /// A key seeded at start for local development, granting <see cref="DevelopmentTenant"/> on
    /// <see cref="DevelopmentPlan"/>; empty seeds nothing (set it empty in production).
    /// </summary>
    public string DevelopmentKey { get; set; } = "dr_dev_local_only_change_me";

    [RegularExpression("^[a-z0-9-]{1,40}$")]
    public string DevelopmentTenant { get; set; } = "default";

    [Required]
    public string DevelopmentPlan { get; set; } = "pro";

    /// <summary>Limits per plan, by plan name; a key whose plan is not listed gets <c>free</c>.</summary>
    public Dictionary<string, PlanLimits> Plans { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["free"] = new PlanLimits { RequestsPerMinute = 30 },
        ["basic"] = new PlanLimits { RequestsPerMinute = 120 },
        ["pro"] = new PlanLimits { RequestsPerMinute = 600 },
        ["enterprise"] = new PlanLimits { RequestsPerMinute = 3000 },
    };

    public PlanLimits LimitsOf(string plan) =>
        Plans.TryGetValue(plan, out PlanLimits? limits) ? limits : Plans.TryGetValue("free", out PlanLimits? free) ? free : new PlanLimits();

    /// <summary>The key that may create and revoke API keys through /api/v1/admin/keys; empty turns those routes off.</summary>
    public string AdminKey { get; set; } = "";
}
