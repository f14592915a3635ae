namespace Darkroom.Core.Jobs;

/// <summary>A job's callback: where it goes, whether it arrived, and every attempt so far.</summary>
public sealed record WebhookState(string Url, bool Delivered = false)
{
    public IReadOnlyList<WebhookAttempt> Attempts { get; init; } = [];
}

/// <param name="Status">The receiver's HTTP status, or null when no response came (refused, timed out).</param>
public sealed record WebhookAttempt(int Attempt, DateTimeOffset At, int? Status, string? Error, long ElapsedMs);
