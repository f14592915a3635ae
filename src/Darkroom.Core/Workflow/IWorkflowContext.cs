using Darkroom.Core.Jobs;

namespace Darkroom.Core.Workflow;

/// <summary>
/// What a workflow may do. Durable's orchestration context and the local replaying runner both implement it,
/// so the same deterministic workflow code runs in either host.
/// </summary>
public interface IWorkflowContext
{
    /// <summary>Runs an activity (or returns its recorded result on replay). A failure surfaces as <see cref="ActivityFailedException"/>.</summary>
    Task<TOut> CallActivityAsync<TOut>(string activity, object input, RetrySpec retry);

    /// <summary>A GUID that is the same on every replay.</summary>
    Guid NewGuid();

    /// <summary>The replay-safe current time.</summary>
    DateTimeOffset UtcNow { get; }

    void SetProgress(JobProgress progress);
}
