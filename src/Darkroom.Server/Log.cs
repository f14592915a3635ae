using Microsoft.Extensions.Logging;

namespace Darkroom.Server;

/// <summary>Server log messages; event ids 5000-5999.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Job {JobId} run {Run} starting with {Recorded} recorded calls")]
    public static partial void JobStarted(this ILogger logger, string jobId, int run, int recorded);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Job {JobId} finished {Status}: {Executed} calls executed, {Replayed} replayed")]
    public static partial void JobFinished(this ILogger logger, string jobId, Darkroom.Core.Jobs.JobStatus status, int executed, int replayed);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Job {JobId} was deleted or canceled while running; its outputs were removed")]
    public static partial void JobGone(this ILogger logger, string jobId);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Job {JobId} abandoned after {DequeueCount} pick-ups")]
    public static partial void JobAbandoned(this ILogger logger, string jobId, long dequeueCount);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Job {JobId} handed back to the queue on shutdown")]
    public static partial void JobHandedBack(this ILogger logger, string jobId);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Error, Message = "Job {JobId} run failed; its message will be retried after the lease")]
    public static partial void JobRunFailed(this ILogger logger, Exception exception, string jobId);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "Activity {Activity} of job {JobId} failed on attempt {Attempt}")]
    public static partial void ActivityAttemptFailed(this ILogger logger, Exception exception, string jobId, string activity, int attempt);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Information, Message = "Blob drop {Blob}: {Disposition}, job {JobId}, error {ErrorCode}")]
    public static partial void DropAccepted(this ILogger logger, string blob, Darkroom.Api.Jobs.DropDisposition disposition, string? jobId, string? errorCode);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Error, Message = "Background loop {Loop} faulted; restarting in {Backoff}")]
    public static partial void LoopFaulted(this ILogger logger, Exception exception, string loop, TimeSpan backoff);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Warning, Message = "Queue message {MessageId} is not a work item; moved to the poison queue ({Reason})")]
    public static partial void PoisonMessage(this ILogger logger, string messageId, string reason);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Warning, Message = "Blob drop {Blob} failed unexpectedly; it stays in the inbox for a later pass")]
    public static partial void DropFailed(this ILogger logger, Exception exception, string blob);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Information, Message = "Job {JobId} parked until {Due:O} (a retry back-off); its worker moves on")]
    public static partial void JobParked(this ILogger logger, string jobId, DateTimeOffset due);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "The work queue is unavailable")]
    public static partial void QueueUnavailable(this ILogger logger, Exception exception);
}
