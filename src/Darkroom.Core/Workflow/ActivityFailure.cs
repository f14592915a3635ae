using System.Text.Json;
using Darkroom.Core.Errors;

namespace Darkroom.Core.Workflow;

/// <summary>
/// Carries a <see cref="JobError"/> across Durable's process boundary, which keeps only an exception's message:
/// the activity side writes the error as tagged JSON, the orchestrator side reads it back.
/// </summary>
public static class ActivityFailure
{
    private const string Tag = "darkroom-error:";

    /// <summary>Runs an activity body; a <see cref="DarkroomException"/> leaves it as a message the orchestrator can parse.</summary>
    public static async Task<T> Wrap<T>(string activity, Func<Task<T>> body)
    {
        try
        {
            return await body();
        }
        catch (DarkroomException ex)
        {
            throw new ActivityFailedException(activity, ex.ToError(), Tag + JsonSerializer.Serialize(ex.ToError()));
        }
    }

    /// <summary>The error an activity failed with, from the message Durable reports; an untagged message is an internal error.</summary>
    public static ActivityFailedException FromMessage(string activity, string? message)
    {
        if (message is not null && message.StartsWith(Tag, StringComparison.Ordinal)
            && JsonSerializer.Deserialize<JobError>(message.AsSpan(Tag.Length)) is { } error)
        {
            return new ActivityFailedException(activity, error);
        }

        return new ActivityFailedException(activity, new JobError(ErrorCodes.Internal, $"{activity} failed: {message}", 500));
    }
}
