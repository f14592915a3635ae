namespace Darkroom.Core.Options;

/// <summary>The options of a job: exactly the member for its operation is set.</summary>
public sealed record JobOptions
{
    public RemoveBackgroundOptions? RemoveBackground { get; init; }

    public RemoveWatermarkOptions? RemoveWatermark { get; init; }

    public ClassifyJobOptions? Classify { get; init; }
}

/// <summary>Options of a classify job.</summary>
/// <param name="KeepOriginal">Keep the uploaded photo with the job (by default a classify job drops it once classified).</param>
public sealed record ClassifyJobOptions(bool KeepOriginal = false);
