namespace Darkroom.Core.Ports;

/// <summary>The Checkpoints table: each completed activity call of a workflow instance, in call order.</summary>
public interface ICheckpointStore
{
    Task<IReadOnlyList<Checkpoint>> LoadAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>Records a call's outcome; when another worker recorded that sequence first, returns theirs, so both replay the same history.</summary>
    Task<Checkpoint> RecordAsync(string instanceId, Checkpoint checkpoint, CancellationToken cancellationToken);

    Task DeleteAsync(string instanceId, CancellationToken cancellationToken);
}

/// <summary>One recorded call: its result as JSON, or the failure it ended with.</summary>
/// <param name="Attempts">How many times the activity ran before this outcome (1 when it was not retried).</param>
/// <param name="RetryAt">
/// For a parked call (neither result nor failure yet): when its next attempt is due. The runner parks a call whose
/// retry delay is long instead of holding a worker through it.
/// </param>
public sealed record Checkpoint(int Sequence, string Name, string? ResultJson, string? FailureJson, string RunId, DateTimeOffset RecordedAt, int Attempts = 1, DateTimeOffset? RetryAt = null)
{
    public bool IsParked => ResultJson is null && FailureJson is null;
}
