namespace Darkroom.Core.Jobs;

/// <summary>How long one stage's activity ran, measured inside the activity.</summary>
public sealed record StageTiming(string Stage, long ElapsedMs);
