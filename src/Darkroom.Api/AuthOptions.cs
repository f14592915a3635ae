using System.ComponentModel.DataAnnotations;

namespace Darkroom.Api;

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

    /// <summary>The key that may create and revoke API keys through /api/v1/admin/keys; empty turns those routes off.</summary>
    public string AdminKey { get; set; } = "";
}
