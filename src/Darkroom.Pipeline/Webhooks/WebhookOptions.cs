using System.ComponentModel.DataAnnotations;

namespace Darkroom.Pipeline.Webhooks;

/// <summary>Job callbacks, bound from <c>Darkroom:Webhooks</c>.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Darkroom:Webhooks";

    /// <summary>
    /// Lets callbacks reach loopback and private addresses (local development, tests). Off, a callback URL whose
    /// host resolves to such an address is refused when the job is submitted, and again when connecting.
    /// </summary>
    public bool AllowPrivateHosts { get; set; }

    /// <summary>How long one delivery attempt may take.</summary>
    [Range(1, 120)]
    public int TimeoutSeconds { get; set; } = 10;
}
