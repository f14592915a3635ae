using Darkroom.Core.Telemetry;
using System.Security.Cryptography;
using System.Text;
using Darkroom.Core.Errors;
using Darkroom.Core.Images;
using Darkroom.Core.Jobs;
using Darkroom.Core.Options;
using Darkroom.Core.Ports;
using Darkroom.Imaging;
using Darkroom.Inference;
using Darkroom.Pipeline;
using Darkroom.Pipeline.Webhooks;
using Microsoft.Extensions.Options;

namespace Darkroom.Api.Jobs;

/// <summary>
/// Validates a submission at the edge, stores its blobs and record, and starts its workflow. Either all of that
/// happens or none of it stays behind.
/// </summary>
public sealed class JobSubmitter(
    IArtifactStore artifacts,
    IJobStore jobs,
    ImageProbe probe,
    ModelCatalog catalog,
    Credits credits,
    CallbackUrls callbacks,
    Darkroom.Inference.LamaInpainter lama,
    IOptions<Darkroom.Inference.InferenceOptions> inference,
    IOptions<AuthOptions> auth,
    TimeProvider clock)
{
    /// <param name="starter">Starts the workflow: the host's queue, or a Durable client bound to the calling function.</param>
    /// <param name="outboxBlob">For blob drops: where the result is also written.</param>
    /// <param name="batchId">The batch the job belongs to, if any.</param>
    public async Task<SubmitOutcome> SubmitAsync(JobSubmission submission, IJobStarter starter, CancellationToken cancellationToken, string? outboxBlob = null, string? batchId = null)
    {
        JobOptions options = JobOptionsParser.Parse(submission.Operation, submission.OptionsJson, submission.Background is not null);
        CheckModel(options);
        PlanLimits limits = auth.Value.LimitsOf(submission.Account.Plan);
        PlanChecks.CheckBytes(submission.Account, submission.Image.LongLength, limits);
        ImageFacts facts = probe.Probe(submission.Image);
        PlanChecks.CheckPixels(submission.Account, facts, limits);
        if (submission.Background is not null)
        {
            if (submission.Operation != JobOperation.RemoveBackground)
            {
                throw new DarkroomException(ErrorCodes.RequestInvalid, 400, "Only remove-background takes a 'background' part.");
            }

            ProbeBackground(submission.Background);
        }

        CheckMask(submission, facts);
        string? callbackUrl = submission.CallbackUrl ?? submission.Account.CallbackUrl;
        if (callbackUrl is not null)
        {
            callbackUrl = await callbacks.CheckAsync(callbackUrl, cancellationToken);
        }

        string requestHash = RequestHash(submission);
        DateTimeOffset now = clock.GetUtcNow();
        string jobId = JobIds.New(now);
        string tenant = submission.Tenant;
        string? keyHash = submission.IdempotencyKey is { } key ? Sha256(Encoding.UTF8.GetBytes(key)) : null;
        if (keyHash is not null)
        {
            string holder = await jobs.ClaimIdempotencyKeyAsync(tenant, keyHash, jobId, IdempotencyClaimStaleAfter, cancellationToken);
            if (holder != jobId)
            {
                return new SubmitOutcome(await ExistingAsync(tenant, holder, requestHash, cancellationToken), Created: false);
            }
        }

        var job = new JobRecord
        {
            Tenant = tenant,
            JobId = jobId,
            Operation = submission.Operation,
            Status = JobStatus.Pending,
            CreatedAt = now,
            UpdatedAt = now,
            SourceBlob = ArtifactPaths.Source(tenant, jobId),
            BackgroundBlob = submission.Background is null ? null : ArtifactPaths.Background(tenant, jobId),
            MaskBlob = submission.Mask is null ? null : ArtifactPaths.UploadedMask(tenant, jobId),
            FileName = submission.FileName,
            BatchId = batchId,
            OutboxBlob = outboxBlob is null ? null : Path.ChangeExtension(outboxBlob, options.Classify is null ? (options.RemoveBackground?.Format ?? options.RemoveWatermark?.Format)?.Extension() : "json"),
            Input = facts,
            Options = options,
            RequestHash = requestHash,
            IdempotencyKeyHash = keyHash,
            KeyHash = submission.Account.KeyHash,
            Webhook = callbackUrl is null ? null : new WebhookState(callbackUrl),
        };

        // The job's own trace (its id is the job id) starts here, linked to the request that submitted it.
        System.Diagnostics.Activity? caller = System.Diagnostics.Activity.Current;
        caller?.SetTag("darkroom.job.id", jobId);
        using System.Diagnostics.Activity? span = DarkroomTelemetry.Source.StartActivity(
            "job.submit",
            System.Diagnostics.ActivityKind.Internal,
            DarkroomTelemetry.JobTrace(jobId),
            [new("darkroom.job.id", jobId), new("darkroom.operation", submission.Operation.Name()), new("darkroom.tenant", tenant)],
            caller is null ? null : [new System.Diagnostics.ActivityLink(caller.Context)]);
        bool committed = false;
        try
        {
            job = job with { Charge = await credits.ReserveAsync(submission.Account, jobId, submission.Operation.Name(), cancellationToken) };
            DarkroomTelemetry.CreditsReserved.Add(job.Charge?.Credits ?? 0, new KeyValuePair<string, object?>("darkroom.operation", submission.Operation.Name()));
            await artifacts.PutAsync(job.SourceBlob, submission.Image, facts.ContentType, cancellationToken);
            if (job.BackgroundBlob is not null)
            {
                await artifacts.PutAsync(job.BackgroundBlob, submission.Background, "application/octet-stream", cancellationToken);
            }

            if (job.MaskBlob is not null)
            {
                await artifacts.PutAsync(job.MaskBlob, submission.Mask, "application/octet-stream", cancellationToken);
            }

            await jobs.TryCreateAsync(job, cancellationToken);
            await starter.StartAsync(job.ToInput(), cancellationToken);
            committed = true;
            DarkroomTelemetry.JobsSubmitted.Add(1, new KeyValuePair<string, object?>("darkroom.operation", submission.Operation.Name()));
            return new SubmitOutcome(job, Created: true);
        }
        finally
        {
            if (!committed)
            {
                await RollBackAsync(job, keyHash);
            }
        }
    }

    /// <summary>A claim with no job after this long belongs to a submission that died (accepting takes seconds).</summary>
    public static readonly TimeSpan IdempotencyClaimStaleAfter = TimeSpan.FromMinutes(2);

    private async Task RollBackAsync(JobRecord job, string? keyHash)
    {
        if (job.Charge is not null)
        {
            await credits.ReleaseAsync(job.Tenant, job.JobId, job.Charge);
        }

        // Not the caller's token: a canceled request must still leave nothing behind.
        await artifacts.DeleteJobArtifactsAsync(job.Tenant, job.JobId, [ArtifactPaths.Uploads], CancellationToken.None);
        await jobs.DeleteAsync(job.Tenant, job.JobId, CancellationToken.None);
        if (keyHash is not null)
        {
            await jobs.ReleaseIdempotencyKeyAsync(job.Tenant, keyHash, CancellationToken.None);
        }
    }

    private async Task<JobRecord> ExistingAsync(string tenant, string jobId, string requestHash, CancellationToken cancellationToken)
    {
        JobRecord existing = await jobs.GetAsync(tenant, jobId, cancellationToken)
            ?? throw new DarkroomException(ErrorCodes.IdempotencyInProgress, 409, "A request with this Idempotency-Key is still being accepted; retry in a moment.");
        if (existing.RequestHash != requestHash)
        {
            throw new DarkroomException(ErrorCodes.IdempotencyMismatch, 422, "This Idempotency-Key was used for a different request; use a new key for a new request.");
        }

        return existing;
    }

    private void CheckModel(JobOptions options)
    {
        // An option that cannot be honoured is refused before anything is stored or reserved.
        string lamaModel = inference.Value.InpaintingModel;
        if (options.RemoveWatermark?.Model == InpaintModel.Lama && !lama.IsInstalled(lamaModel))
        {
            string why = catalog.Contains(lamaModel) ? lama.Problem(lamaModel) ?? "not installed" : "not in the model catalog";
            throw new DarkroomException(
                ErrorCodes.ModelUnavailable,
                422,
                $"The LaMa model '{lamaModel}' cannot be used on this deployment ({why}); use model 'auto', 'exemplar' or 'telea'.");
        }

        if (options.RemoveBackground?.Model is { } model)
        {
            ModelSpec spec = catalog.Get(model);
            if (spec.Task != "segmentation")
            {
                throw Problems.InvalidOptions($"Model '{model}' is a {spec.Task} model; remove-background needs a segmentation model.");
            }
        }
    }

    /// <summary>Only remove-watermark takes a mask; an uploaded one must be an image of the photo's aspect that marks something but not everything.</summary>
    private void CheckMask(JobSubmission submission, ImageFacts facts)
    {
        if (submission.Mask is null)
        {
            return;
        }

        if (submission.Operation != JobOperation.RemoveWatermark)
        {
            throw new DarkroomException(ErrorCodes.RequestInvalid, 400, "Only remove-watermark takes a 'mask' part.");
        }

        ProbeMask(submission.Mask);
        MaskOps.CheckCoverage(MaskOps.FromUpload(submission.Mask, facts.Width, facts.Height));
    }

    /// <summary>The image limits hold for masks too, read from the header before anything is decoded.</summary>
    private void ProbeMask(byte[] mask) =>
        ProbePart(mask, "mask", ex => ex.Code switch
        {
            ErrorCodes.ImageTooManyPixels => (ErrorCodes.MaskTooManyPixels, 413),
            ErrorCodes.ImageTooLarge => (ErrorCodes.MaskTooLarge, 413),
            ErrorCodes.ImageEmpty or ErrorCodes.ImageUnsupportedFormat => (ErrorCodes.MaskInvalid, 415),
            _ => (ErrorCodes.MaskInvalid, 422),
        });

    private void ProbeBackground(byte[] background) =>
        ProbePart(background, "background image", ex => (ErrorCodes.BackgroundInvalid, ex.Status));

    /// <summary>Probes a part other than the photo with the photo's limits; a refusal keeps its message under the part's own code.</summary>
    private void ProbePart(byte[] bytes, string what, Func<DarkroomException, (string Code, int Status)> recode)
    {
        try
        {
            probe.Probe(bytes, what);
        }
        catch (DarkroomException ex) when (ex.Status < 500)
        {
            (string code, int status) = recode(ex);
            throw new DarkroomException(code, status, ex.Message);
        }
    }

    private static string RequestHash(JobSubmission submission)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{submission.Operation.Name()}\n{submission.OptionsJson}\n"));
        hash.AppendData(SHA256.HashData(submission.Image));
        foreach (byte[]? part in new[] { submission.Background, submission.Mask })
        {
            hash.AppendData(part is null ? [0] : SHA256.HashData(part));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
