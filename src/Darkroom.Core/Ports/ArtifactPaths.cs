namespace Darkroom.Core.Ports;

/// <summary>
/// Where a job's blobs live. A blob reference is "container/name"; every name starts with tenant and job id,
/// so deleting a job is deleting a prefix in each container.
/// </summary>
public static class ArtifactPaths
{
    public const string Uploads = "uploads";
    public const string Work = "work";
    public const string Results = "results";
    public const string Inbox = "inbox";
    public const string Outbox = "outbox";

    public static IReadOnlyList<string> JobContainers { get; } = [Uploads, Work, Results];

    public static string Source(string tenant, string jobId) => $"{Uploads}/{JobPrefix(tenant, jobId)}source";

    public static string Background(string tenant, string jobId) => $"{Uploads}/{JobPrefix(tenant, jobId)}background";

    public static string UploadedMask(string tenant, string jobId) => $"{Uploads}/{JobPrefix(tenant, jobId)}mask";

    public static string InpaintMask(string tenant, string jobId) => $"{Work}/{JobPrefix(tenant, jobId)}mask.png";

    public static string Matte(string tenant, string jobId) => $"{Work}/{JobPrefix(tenant, jobId)}matte.png";

    public static string Foreground(string tenant, string jobId) => $"{Work}/{JobPrefix(tenant, jobId)}foreground.png";

    public static string Result(string tenant, string jobId, string extension) => $"{Results}/{JobPrefix(tenant, jobId)}result.{extension}";

    public static string JobPrefix(string tenant, string jobId) => $"{tenant}/{jobId}/";

    public static (string Container, string Name) Split(string reference)
    {
        int slash = reference.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == reference.Length - 1)
        {
            throw new ArgumentException($"'{reference}' is not a container/name blob reference.", nameof(reference));
        }

        return (reference[..slash], reference[(slash + 1)..]);
    }
}
