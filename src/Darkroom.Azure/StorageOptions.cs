using System.ComponentModel.DataAnnotations;

namespace Darkroom.Azure;

/// <summary>Which storage account to use, bound from <c>Darkroom:Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Darkroom:Storage";

    /// <summary>A connection string (Azurite: <c>UseDevelopmentStorage=true</c>); leave empty to use <see cref="AccountName"/> with managed identity.</summary>
    public string? ConnectionString { get; set; } = "UseDevelopmentStorage=true";

    /// <summary>The account name for identity-based access in Azure (DefaultAzureCredential).</summary>
    public string? AccountName { get; set; }

    /// <summary>Client id of a user-assigned managed identity, when one is used.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>Prepended to every container, table and queue name; lets several deployments or test runs share one account.</summary>
    [RegularExpression("^[a-z0-9]{0,12}$")]
    public string Prefix { get; set; } = "";

    /// <summary>Name of the queue the local runner takes jobs from.</summary>
    [Required]
    public string JobQueue { get; set; } = "darkroomjobs";
}
