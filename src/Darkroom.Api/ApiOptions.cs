using System.ComponentModel.DataAnnotations;

namespace Darkroom.Api;

/// <summary>HTTP behaviour, bound from <c>Darkroom:Api</c>.</summary>
public sealed class ApiOptions
{
    public const string Section = "Darkroom:Api";

    /// <summary>How long the synchronous endpoints wait for a result before answering 202 with the job.</summary>
    [Range(0, 600)]
    public int DefaultWaitSeconds { get; set; } = 30;

    /// <summary>The most a caller may ask for with <c>?wait=</c>.</summary>
    [Range(0, 600)]
    public int MaxWaitSeconds { get; set; } = 120;

    [Range(1, 1000)]
    public int MaxPageSize { get; set; } = 100;

    /// <summary>Most images in one batch request.</summary>
    [Range(1, 500)]
    public int MaxBatchItems { get; set; } = 50;

    /// <summary>How many of a batch's jobs are accepted at once; the runner (or Durable) bounds how many run.</summary>
    [Range(1, 64)]
    public int BatchSubmitParallelism { get; set; } = 4;

    /// <summary>The tenant blob-drop jobs run as.</summary>
    [Required]
    [RegularExpression(Core.Accounts.TenantNames.Pattern)]
    public string DefaultTenant { get; set; } = "default";

    /// <summary>The plan blob-drop jobs are billed on (its limits and monthly credits apply to <see cref="DefaultTenant"/>).</summary>
    [Required]
    public string DefaultPlan { get; set; } = "pro";
}
