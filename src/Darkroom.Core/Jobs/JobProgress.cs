namespace Darkroom.Core.Jobs;

/// <summary>Where a running job is: its stage, percent done and the timings of the stages finished so far.</summary>
public sealed record JobProgress(string Stage, int Percent, IReadOnlyList<StageTiming> Timings);
