using Darkroom.Core.Errors;
using Darkroom.Core.Images;

namespace Darkroom.Core.Jobs;

/// <summary>A job as the API shows it.</summary>
public sealed record JobView(
    string Id,
    string Operation,
    JobStatus Status,
    string Stage,
    int Progress,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? CompletedAt,
    JobInputView? Input,
    IReadOnlyList<StageTiming> Timings,
    long TotalMs,
    JobResultView? Result,
    JobErrorView? Error,
    int Runs,
    long Credits,
    WebhookState? Webhook,
    Classification.ClassificationResult? Classification,
    JobLinks Links)
{
    public static JobView From(JobRecord job, string basePath)
    {
        string self = $"{basePath}/jobs/{job.JobId}";
        return new JobView(
            job.JobId,
            job.Operation.Name(),
            job.Status,
            job.Stage,
            job.Percent,
            job.CreatedAt,
            job.UpdatedAt,
            job.CompletedAt,
            job.Input is { } input ? new JobInputView(input.Format, input.Width, input.Height, input.Bytes, job.FileName) : null,
            job.Timings,
            job.Timings.Sum(t => t.ElapsedMs),
            job.Result is { } r ? new JobResultView($"{self}/result", r.ContentType, r.Bytes, r.Width, r.Height, r.Regions, r.Subject, r.Foreground, r.Model, r.ExecutionProvider, r.SecondPass) : null,
            job.Error is { } e ? new JobErrorView(e.Code, e.Message) : null,
            job.Runs,
            job.Charge?.Credits ?? 0,
            job.Webhook,
            job.Classification,
            new JobLinks(self, job.Result is null ? null : $"{self}/result"));
    }
}

public sealed record JobInputView(ImageFormat Format, int Width, int Height, long Bytes, string? FileName);

public sealed record JobResultView(string Url, string ContentType, long Bytes, int Width, int Height, IReadOnlyList<WatermarkRegion>? Regions, CutoutSubject? Subject, ForegroundBox? Foreground, string? Model = null, string? ExecutionProvider = null, string? SecondPass = null);

public sealed record JobErrorView(string Code, string Message);

public sealed record JobLinks(string Self, string? Result);

public sealed record JobListView(IReadOnlyList<JobView> Jobs, string? Continuation);
