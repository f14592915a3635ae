namespace Darkroom.Core.Errors;

/// <summary>The stable error codes of the API; clients switch on these, so they never change meaning.</summary>
public static class ErrorCodes
{
    public const string ImageMissing = "image.missing";
    public const string ImageEmpty = "image.empty";
    public const string ImageTooLarge = "image.too_large";
    public const string ImageTooManyPixels = "image.too_many_pixels";
    public const string ImageUnsupportedFormat = "image.unsupported_format";
    public const string ImageCorrupt = "image.corrupt";
    public const string BackgroundInvalid = "background.invalid";
    public const string MaskInvalid = "mask.invalid";
    public const string MaskEmpty = "mask.empty";
    public const string MaskSizeMismatch = "mask.size_mismatch";
    public const string MaskCoversEverything = "mask.covers_everything";
    public const string MaskNothingFound = "mask.nothing_found";
    public const string MaskTooLarge = "mask.too_large";
    public const string MaskCoversTooMuch = "mask.auto_covers_too_much";
    public const string MaskTooManyPixels = "mask.too_many_pixels";
    public const string DropInvalidName = "drop.invalid_name";
    public const string MultipartInvalid = "request.multipart_invalid";
    public const string RequestTooLarge = "request.too_large";
    public const string OptionsInvalid = "options.invalid";
    public const string OptionsUnknown = "options.unknown";
    public const string RequestInvalid = "request.invalid";
    public const string AuthInvalidKey = "auth.invalid_key";
    public const string RateLimited = "rate.limited";
    public const string RouteNotFound = "route.not_found";
    public const string MethodNotAllowed = "request.method_not_allowed";
    public const string JobNotFound = "job.not_found";
    public const string JobNotReady = "job.not_ready";
    public const string JobCanceled = "job.canceled";
    public const string JobAbandoned = "job.abandoned";
    public const string IdempotencyMismatch = "idempotency.mismatch";
    public const string IdempotencyInProgress = "idempotency.in_progress";
    public const string ModelUnavailable = "model.unavailable";
    public const string QuotaExceeded = "quota.exceeded";
    public const string ConcurrencyLimited = "rate.concurrent_jobs";
    public const string CallbackInvalid = "callback.invalid";
    public const string CallbackForbiddenHost = "callback.forbidden_host";
    public const string UrlInvalid = "url.invalid";
    public const string UrlForbiddenHost = "url.forbidden_host";
    public const string UrlFetchFailed = "url.fetch_failed";
    public const string UrlTooLarge = "url.too_large";
    public const string WebhookFailed = "webhook.failed";
    public const string WebhookRejected = "webhook.rejected";
    public const string Internal = "internal.error";
}
