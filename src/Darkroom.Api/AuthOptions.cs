using System.ComponentModel.DataAnnotations;

namespace Darkroom.Api;

/// <summary>What a plan allows.</summary>
public sealed class PlanLimits
{
    /// <summary>Requests per key per minute (fixed window); past it, 429 with Retry-After.</summary>
    [Range(1, 1_000_000)]
    public int RequestsPerMinute { get; set; } = 30;

    /// <summary>Credits granted each calendar month (UTC); a job that would go past them is 402 quota.exceeded.</summary>
    [Range(0, long.MaxValue)]
    public long MonthlyCredits { get; set; } = 50;

    /// <summary>Jobs of one tenant accepted and not yet finished; one more is 429 rate.concurrent_jobs.</summary>
    [Range(1, 100_000)]
    public int MaxConcurrentJobs { get; set; } = 2;

    /// <summary>Largest upload in bytes, below the service-wide limit; null leaves the service-wide limit.</summary>
    [Range(1, long.MaxValue)]
    public long? MaxUploadBytes { get; set; }

    /// <summary>Most megapixels, below the service-wide limit; null leaves the service-wide limit.</summary>
    [Range(0.01, 1_000_000.0)]
    public double? MaxMegapixels { get; set; }
}

/// <summary>API keys, bound from <c>Darkroom:Auth</c>.</summary>
public sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Darkroom:Auth";

    /// <summary>
    /// A key seeded at start for local development, granting <see cref="DevelopmentTenant"/> on
    /// <see cref="DevelopmentPlan"/>; empty seeds nothing (set it empty in production).
    /// </summary>
    public string DevelopmentKey { get; set; } = "dr_dev_local_only_change_me";

    [RegularExpression(Core.Accounts.TenantNames.Pattern)]
    public string DevelopmentTenant { get; set; } = "default";

    [Required]
    public string DevelopmentPlan { get; set; } = "pro";

    /// <summary>Limits per plan, by plan name; a key whose plan is not listed gets <c>free</c>.</summary>
    public Dictionary<string, PlanLimits> Plans { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["free"] = new PlanLimits { RequestsPerMinute = 30, MonthlyCredits = 50, MaxConcurrentJobs = 2, MaxUploadBytes = 10 << 20, MaxMegapixels = 12 },
        ["basic"] = new PlanLimits { RequestsPerMinute = 120, MonthlyCredits = 1_000, MaxConcurrentJobs = 5 },
        ["pro"] = new PlanLimits { RequestsPerMinute = 600, MonthlyCredits = 10_000, MaxConcurrentJobs = 20 },
        ["enterprise"] = new PlanLimits { RequestsPerMinute = 3000, MonthlyCredits = 100_000, MaxConcurrentJobs = 100 },
    };

    /// <summary>Credits each operation costs, by operation name; a missing one costs 1. A cached classification costs nothing.</summary>
    public Dictionary<string, long> Costs { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["remove-background"] = 1,
        ["remove-watermark"] = 2,
        ["classify"] = 1,
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (KeyValuePair<string, long> cost in Costs.Where(c => c.Value < 0))
        {
            yield return new ValidationResult($"Costs:{cost.Key} is {cost.Value}; a cost is 0 or more credits.", [nameof(Costs)]);
        }

        if (Plans.Count == 0 || !Plans.ContainsKey("free"))
        {
            yield return new ValidationResult("Plans must define 'free', the plan of keys whose plan is not configured.", [nameof(Plans)]);
        }
    }

    public long CostOf(string operation) => Costs.TryGetValue(operation, out long cost) ? cost : 1;

    /// <summary>The webhook secret of the development key (the key's default: change it with the key).</summary>
    public string DevelopmentWebhookSecret { get; set; } = "whsec_dev_local_only_change_me";

    public PlanLimits LimitsOf(string plan) =>
        Plans.TryGetValue(plan, out PlanLimits? limits) ? limits : Plans.TryGetValue("free", out PlanLimits? free) ? free : new PlanLimits();

    /// <summary>The key that may create and revoke API keys through /api/v1/admin/keys; empty turns those routes off.</summary>
    public string AdminKey { get; set; } = "";
}
