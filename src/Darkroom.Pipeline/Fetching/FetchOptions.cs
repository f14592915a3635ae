using System.ComponentModel.DataAnnotations;

namespace Darkroom.Pipeline.Fetching;

/// <summary>Images given by URL (<c>imageUrl</c>, <c>backgroundUrl</c>, <c>maskUrl</c>), bound from <c>Darkroom:Fetch</c>.</summary>
public sealed class FetchOptions
{
    public const string Section = "Darkroom:Fetch";

    /// <summary>Lets image URLs reach loopback and private addresses (local development, tests only).</summary>
    public bool AllowPrivateHosts { get; set; }

    /// <summary>The whole fetch (connect, redirects, body) must finish within this.</summary>
    [Range(1, 120)]
    public int TimeoutSeconds { get; set; } = 15;

    /// <summary>Redirects followed; each target is checked again, at connect time, like the first.</summary>
    [Range(0, 10)]
    public int MaxRedirects { get; set; } = 3;
}
