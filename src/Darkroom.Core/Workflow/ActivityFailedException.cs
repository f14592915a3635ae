using Darkroom.Core.Errors;

namespace Darkroom.Core.Workflow;

/// <summary>An activity failed for good (after its retries); the workflow decides what the job becomes.</summary>
public sealed class ActivityFailedException : Exception
{
    public ActivityFailedException(string activity, JobError error)
        : base($"Activity '{activity}' failed: [{error.Code}] {error.Message}")
    {
        Activity = activity;
        Error = error;
    }

    /// <summary>With a message of the caller's choosing (the wire form), keeping the error itself.</summary>
    public ActivityFailedException(string activity, JobError error, string message)
        : base(message)
    {
        Activity = activity;
        Error = error;
    }

    public ActivityFailedException()
        : this("unknown", new JobError(ErrorCodes.Internal, "Unknown failure.", 500))
    {
    }

    public ActivityFailedException(string message)
        : this("unknown", new JobError(ErrorCodes.Internal, message, 500))
    {
    }

    public ActivityFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Activity = "unknown";
        Error = new JobError(ErrorCodes.Internal, message, 500);
    }

    public string Activity { get; }

    public JobError Error { get; }
}
