using System.Diagnostics;
using System.Text.Json;
using Darkroom.Core.Errors;
using Darkroom.Core.Jobs;
using Darkroom.Core.Ports;
using Darkroom.Core.Workflow;
using Darkroom.Pipeline.Webhooks;

namespace Darkroom.Pipeline.Activities;

/// <summary>The body of a callback: what happened, and the job as GET /api/v1/jobs/{id} shows it.</summary>
public sealed record WebhookPayload(string Event, JobView Job);

/// <summary>
/// One delivery attempt of a job's callback, recorded on the job whatever happens. A 2xx is delivered; no response,
/// 408, 429 or 5xx throws a transient failure so the workflow retries with backoff; any other 4xx is the receiver
/// refusing, which no retry changes.
/// </summary>
public sealed class NotifyActivity(IJobStore jobs, IApiKeyStore keys, WebhookSender sender, TimeProvider clock) : IActivity<NotifyRequest, NotifyResult>
{
    public const string BasePath = Darkroom.Core.ApiRoutes.BasePath;

    public async Task<NotifyResult> RunAsync(NotifyRequest request, CancellationToken cancellationToken)
    {
        JobRecord? job = await jobs.GetAsync(request.Tenant, request.JobId, cancellationToken);
        if (job is null || job.Webhook is { Delivered: true })
        {
            // Deleted meanwhile (nothing left to report), or this attempt already landed before a replay.
            return new NotifyResult(job?.Webhook?.Delivered ?? false, job?.Webhook?.Attempts.Count ?? 0);
        }

        string? secret = request.KeyHash is null ? null : (await keys.FindAsync(request.KeyHash, cancellationToken))?.WebhookSecret;
        int attempt = (job.Webhook?.Attempts.Count ?? 0) + 1;
        var stopwatch = Stopwatch.StartNew();
        DeliveryResponse response;
        if (secret is null)
        {
            response = new DeliveryResponse(null, "The submitting API key has no webhook secret; nothing was sent.");
        }
        else
        {
            string eventName = $"job.{job.Status.ToString().ToLowerInvariant()}";
            byte[] body = JsonSerializer.SerializeToUtf8Bytes(new WebhookPayload(eventName, JobView.From(job, BasePath)), ActivityDispatcher.Json);
            response = await sender.PostAsync(request.CallbackUrl, body, secret, clock.GetUtcNow().ToUnixTimeSeconds(), eventName, job.JobId, cancellationToken);
        }

        bool delivered = response.Status is >= 200 and < 300;
        var record = new WebhookAttempt(attempt, clock.GetUtcNow(), response.Status, response.Error, stopwatch.ElapsedMilliseconds);
        await jobs.UpdateAsync(request.Tenant, request.JobId, j =>
        {
            WebhookState state = j.Webhook ?? new WebhookState(request.CallbackUrl);
            return j with { Webhook = state with { Delivered = delivered, Attempts = [.. state.Attempts, record] } };
        }, cancellationToken);

        if (delivered)
        {
            return new NotifyResult(true, attempt);
        }

        bool transient = secret is not null && response.Status is null or 408 or 429 or >= 500;
        throw new DarkroomException(
            transient ? ErrorCodes.WebhookFailed : ErrorCodes.WebhookRejected,
            transient ? 502 : 422,
            $"Callback attempt {attempt} to {request.CallbackUrl} got {(response.Status is { } s ? $"HTTP {s}" : response.Error)}.");
    }
}
