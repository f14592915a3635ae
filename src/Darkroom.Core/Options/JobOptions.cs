namespace Darkroom.Core.Options;

/// <summary>The options of a job: exactly the member for its operation is set.</summary>
public sealed record JobOptions
{
    public RemoveBackgroundOptions? RemoveBackground { get; init; }

    public RemoveWatermarkOptions? RemoveWatermark { get; init; }
}
