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

    [JsonStringEnumMemberName("classify")]
    Classify,
}

public static class JobOperations
{
    public const string RemoveBackgroundName = "remove-background";
    public const string RemoveWatermarkName = "remove-watermark";
    public const string ClassifyName = "classify";

    public static string Name(this JobOperation operation) => operation switch
    {
        JobOperation.RemoveBackground => RemoveBackgroundName,
        JobOperation.RemoveWatermark => RemoveWatermarkName,
        JobOperation.Classify => ClassifyName,
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
            case ClassifyName:
                operation = JobOperation.Classify;
                return true;
            default:
                operation = default;
                return false;
        }
    }
}
