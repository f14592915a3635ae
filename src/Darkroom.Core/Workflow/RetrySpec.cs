namespace Darkroom.Core.Workflow;

/// <summary>How often and how patiently an activity is retried after a transient failure. Errors the caller caused are never retried.</summary>
public sealed record RetrySpec(int MaxAttempts, TimeSpan FirstDelay, double BackoffCoefficient, TimeSpan MaxDelay)
{
    /// <summary>For storage and inference hiccups: three tries within a few seconds.</summary>
    public static RetrySpec Transient { get; } = new(3, TimeSpan.FromMilliseconds(500), 2.0, TimeSpan.FromSeconds(5));

    /// <summary>For bookkeeping that must land: more tries, longer.</summary>
    public static RetrySpec Persistent { get; } = new(6, TimeSpan.FromSeconds(1), 2.0, TimeSpan.FromSeconds(30));

    /// <summary>For webhook deliveries: five tries over about two and a half minutes (2 s, 8 s, 32 s, 2 min between them).</summary>
    public static RetrySpec Webhook { get; } = new(5, TimeSpan.FromSeconds(2), 4.0, TimeSpan.FromMinutes(2));

    /// <summary>The one retry rule of both hosts: an error the caller caused (a 4xx) is final; anything else may pass.</summary>
    public static bool IsRetryable(Errors.JobError error) => error.Status is < 400 or >= 500;

    public TimeSpan DelayBefore(int attempt)
    {
        double factor = Math.Pow(BackoffCoefficient, Math.Max(0, attempt - 2));
        TimeSpan delay = TimeSpan.FromMilliseconds(FirstDelay.TotalMilliseconds * factor);
        return delay < MaxDelay ? delay : MaxDelay;
    }
}
