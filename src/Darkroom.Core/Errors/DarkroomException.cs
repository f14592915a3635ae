namespace Darkroom.Core.Errors;

/// <summary>An error the caller can act on: a stable code, the HTTP status it maps to, and a sentence that says what to do.</summary>
public sealed class DarkroomException : Exception
{
    public DarkroomException(string code, int status, string message)
        : base(message)
    {
        Code = code;
        Status = status;
    }

    public DarkroomException()
        : this(ErrorCodes.Internal, 500, "An unexpected error occurred.")
    {
    }

    public DarkroomException(string message)
        : this(ErrorCodes.Internal, 500, message)
    {
    }

    public DarkroomException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = ErrorCodes.Internal;
        Status = 500;
    }

    public string Code { get; }

    public int Status { get; }

    /// <summary>When the caller may try again (429, 503), sent as Retry-After.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Extra members for the problem document (e.g. <c>resetAt</c> for quota.exceeded).</summary>
    public IReadOnlyDictionary<string, object?>? Details { get; init; }

    /// <summary>The failure as it travels between an activity and its workflow.</summary>
    public JobError ToError() => new(Code, Message, Status);
}
