using System.Buffers.Text;
using System.Text.Json;
using Darkroom.Core.Errors;

namespace Darkroom.Core.Workflow;

/// <summary>
/// Carries a <see cref="JobError"/> across Durable's process boundary, which keeps only an exception's message, and
/// only part of it: the Durable host splits a failure's text at the first ": " and keeps one line. So the error
/// travels as a tag followed by the error's JSON in base64url, which contains neither ": " nor a line break, and the
/// reader finds the tag wherever it sits in whatever text survives.
/// </summary>
public static class ActivityFailure
{
    private const string Tag = "darkroom-error.";

    /// <summary>Runs an activity body; a <see cref="DarkroomException"/> leaves it as a message the orchestrator can parse.</summary>
    public static async Task<T> Wrap<T>(string activity, Func<Task<T>> body)
    {
        try
        {
            return await body();
        }
        catch (DarkroomException ex)
        {
            JobError error = ex.ToError();
            throw new ActivityFailedException(activity, error, Encode(error));
        }
    }

    /// <summary>The wire form of an error: the tag, then base64url of its JSON.</summary>
    public static string Encode(JobError error) => Tag + Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(error));

    /// <summary>The error a failure's text carries, or null when it carries none (or a damaged one).</summary>
    public static JobError? Decode(string? message)
    {
        int at = message?.IndexOf(Tag, StringComparison.Ordinal) ?? -1;
        if (at < 0)
        {
            return null;
        }

        ReadOnlySpan<char> rest = message.AsSpan(at + Tag.Length);
        int length = 0;
        while (length < rest.Length && (char.IsAsciiLetterOrDigit(rest[length]) || rest[length] is '-' or '_'))
        {
            length++;
        }

        try
        {
            return JsonSerializer.Deserialize<JobError>(Base64Url.DecodeFromChars(rest[..length]));
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }

    /// <summary>The error an activity failed with, from the message Durable reports; an untagged message is an internal error.</summary>
    public static ActivityFailedException FromMessage(string activity, string? message) =>
        Decode(message) is { } error
            ? new ActivityFailedException(activity, error)
            : new ActivityFailedException(activity, new JobError(ErrorCodes.Internal, $"{activity} failed: {message}", 500));

    /// <summary>
    /// Whether a failure reported as this text is worth another attempt: the retry rule of <see cref="RetrySpec"/>
    /// applied to the error the text carries (an untagged failure is an unexpected fault, so it is retried).
    /// </summary>
    public static bool IsRetryable(string? message) => Decode(message) is not { } error || RetrySpec.IsRetryable(error);
}
