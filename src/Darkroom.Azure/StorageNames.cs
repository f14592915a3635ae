using Darkroom.Core.Ports;

namespace Darkroom.Azure;

/// <summary>The containers, tables and queues Darkroom uses (before the configured prefix).</summary>
public static class StorageNames
{
    public const string JobsTable = "Jobs";
    public const string CheckpointsTable = "Checkpoints";
    public const string BatchesTable = "Batches";
    public const string ApiKeysTable = "ApiKeys";
    public const string UsageTable = "Usage";
    public const string ClassificationsTable = "Classifications";
    public const string RateLimitsTable = "RateLimits";

    public static IReadOnlyList<string> Containers { get; } =
        [ArtifactPaths.Uploads, ArtifactPaths.Work, ArtifactPaths.Results, ArtifactPaths.Inbox, ArtifactPaths.Outbox];

    public static IReadOnlyList<string> Tables { get; } = [JobsTable, CheckpointsTable, BatchesTable, ApiKeysTable, UsageTable, ClassificationsTable, RateLimitsTable];

    public static string Poison(string queue) => queue + "-poison";
}
