using System.Text.Json.Serialization;

namespace Darkroom.Core.Jobs;

/// <summary>What a job does to its image.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JobOperation>))]
public enum JobOperation
{
    [JsonStringEnumMemberName("remove-background")]
    RemoveBackground,

    [JsonStringEnumMemberName("remove-watermark")]
    RemoveWatermark,
}

public static class JobOperations
{
    public const string RemoveBackgroundName = "remove-background";
    public const string RemoveWatermarkName = "remove-watermark";

    public static string Name(this JobOperation operation) => operation switch
    {
        JobOperation.RemoveBackground => RemoveBackgroundName,
        JobOperation.RemoveWatermark => RemoveWatermarkName,
        _ => throw new ArgumentOutOfRangeException(nameof(operation)),
    };

    public static bool TryParse(string? name, out JobOperation operation)
    {
        switch (name)
        {
            case RemoveBackgroundName:
                operation = JobOperation.RemoveBackground;
                return true;
            case RemoveWatermarkName:
                operation = JobOperation.RemoveWatermark;
                return true;
            default:
                operation = default;
                return false;
        }
    }
}
