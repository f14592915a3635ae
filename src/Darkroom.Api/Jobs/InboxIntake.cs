using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Darkroom.Core.Accounts;
using Darkroom.Core.Errors;
using Darkroom.Core.Jobs;
using Darkroom.Core.Ports;
using Darkroom.Imaging;
using Microsoft.Extensions.Options;

namespace Darkroom.Api.Jobs;

/// <summary>What became of one dropped blob.</summary>
public enum DropDisposition
{
    /// <summary>A job was started (or had been, for a drop seen again); the inbox blob is gone.</summary>
    Started,

    /// <summary>Not a valid job (bad file, unknown operation folder…): an .error.json says why; the inbox blob is gone.</summary>
    Refused,

    /// <summary>A name Darkroom will not address: recorded once under outbox/_rejected/, the blob itself left untouched.</summary>
    Quarantined,

    /// <summary>A temporary refusal (429, 503): the blob stays and is tried again later.</summary>
    Deferred,

    /// <summary>The blob was gone (already taken by another pass or process).</summary>
    Gone,
}

/// <summary>What became of one dropped blob.</summary>
public sealed record DropOutcome(string InboxBlob, DropDisposition Disposition, string? JobId, bool Created, JobError? Error);

/// <summary>
/// Blob drop: an image written to <c>inbox/{operation}/{path}</c> (options in the blob's <c>options</c> metadata)
/// becomes a job whose result also lands in <c>outbox/{operation}/{path}</c>. The Idempotency-Key is the blob's
/// name and ETag, so a drop seen twice (a restart, a repeated trigger) starts one job; the blob is deleted once
/// its job is started. Names are parsed against a strict grammar before any storage call is made with them:
/// <c>{operation}/{segment}/…</c> with every segment a safe name (<see cref="BlobNames"/>).
/// </summary>
public sealed class InboxIntake(IArtifactStore artifacts, JobSubmitter submitter, IOptions<ApiOptions> options, IOptions<ImagingOptions> imaging)
{
    /// <summary>Where refused names and their errors go: outbox/_rejected/…</summary>
    public const string RejectedFolder = "_rejected";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <param name="inboxBlob">"inbox/{name}", the name exactly as listed or as the event carries it.</param>
    public async Task<DropOutcome> AcceptAsync(string inboxBlob, IJobStarter starter, CancellationToken cancellationToken)
    {
        string name = inboxBlob.StartsWith(ArtifactPaths.Inbox + "/", StringComparison.Ordinal) ? inboxBlob[(ArtifactPaths.Inbox.Length + 1)..] : "";
        if (!BlobNames.IsSafe(name, out string why))
        {
            return await QuarantineAsync(inboxBlob, name, why, cancellationToken);
        }

        int slash = name.IndexOf('/', StringComparison.Ordinal);
        string operationName = slash > 0 ? name[..slash] : "";
        string path = slash > 0 ? name[(slash + 1)..] : name;
        if (slash <= 0 || !JobOperations.TryParse(operationName, out JobOperation operation))
        {
            var error = new DarkroomException(
                ErrorCodes.RequestInvalid,
                400,
                $"Drop images under inbox/{{operation}}/, e.g. inbox/{JobOperations.RemoveBackgroundName}/photo.jpg; '{BlobNames.Printable(operationName, 40)}' is not an operation folder.");
            return await MoveAsideAsync(inboxBlob, name, error, cancellationToken);
        }

        string errorBlob = $"{OutboxFor(operationName, path)}.error.json";
        ArtifactContent? drop;
        try
        {
            drop = await artifacts.ReadAsync(inboxBlob, imaging.Value.MaxUploadBytes, cancellationToken);
        }
        catch (ArtifactTooLargeException ex)
        {
            return await RefuseAsync(inboxBlob, errorBlob, new DarkroomException(
                ErrorCodes.ImageTooLarge, 413, $"The drop is {ex.Length / 1048576.0:0.#} MB; the limit is {imaging.Value.MaxUploadBytes / 1048576.0:0.#} MB."), etag: null, cancellationToken);
        }

        if (drop is null)
        {
            return new DropOutcome(inboxBlob, DropDisposition.Gone, null, false, null);
        }

        try
        {
            drop.Metadata.TryGetValue("options", out string? optionsJson);
            var submission = new JobSubmission(
                new Account(options.Value.DefaultTenant, options.Value.DefaultPlan),
                operation,
                drop.Bytes,
                Path.GetFileName(path),
                null,
                optionsJson,
                $"inbox:{inboxBlob}:{drop.ETag}");
            SubmitOutcome submitted = await submitter.SubmitAsync(submission, starter, cancellationToken, OutboxFor(operationName, path));
            await artifacts.DeleteIfUnchangedAsync(inboxBlob, drop.ETag, cancellationToken);
            return new DropOutcome(inboxBlob, DropDisposition.Started, submitted.Job.JobId, submitted.Created, null);
        }
        catch (DarkroomException ex) when (ex.Status is 429 or 503)
        {
            // Busy (concurrent jobs, rate) or not ready: the blob stays in the inbox and a later pass or retry takes it.
            return new DropOutcome(inboxBlob, DropDisposition.Deferred, null, false, ex.ToError());
        }
        catch (DarkroomException ex) when (ex.Status < 500)
        {
            return await RefuseAsync(inboxBlob, errorBlob, ex, drop.ETag, cancellationToken);
        }
    }

    /// <summary>Where the result goes: the same path under outbox, the extension the output format decides (set at persist).</summary>
    public static string OutboxFor(string operation, string path) => $"{ArtifactPaths.Outbox}/{operation}/{path}";

    /// <summary>Where an unsafe name's record goes: a hash of the name, never the name.</summary>
    public static string QuarantineRecord(string name) =>
        $"{ArtifactPaths.Outbox}/{RejectedFolder}/{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..40]}.error.json";

    private async Task<DropOutcome> RefuseAsync(string inboxBlob, string errorBlob, DarkroomException exception, string? etag, CancellationToken cancellationToken)
    {
        JobError error = exception.ToError();
        await artifacts.PutAsync(errorBlob, JsonSerializer.SerializeToUtf8Bytes(new { error.Code, error.Message, error.Status, Blob = inboxBlob }, Json), "application/json", cancellationToken);
        if (etag is not null)
        {
            await artifacts.DeleteIfUnchangedAsync(inboxBlob, etag, cancellationToken);
        }
        else
        {
            await artifacts.DeleteAsync(inboxBlob, cancellationToken);
        }

        return new DropOutcome(inboxBlob, DropDisposition.Refused, null, false, error);
    }

    /// <summary>A safe name that is not a job (no operation folder): the blob moves to outbox/_rejected/{name} beside its .error.json.</summary>
    private async Task<DropOutcome> MoveAsideAsync(string inboxBlob, string name, DarkroomException error, CancellationToken cancellationToken)
    {
        string aside = $"{ArtifactPaths.Outbox}/{RejectedFolder}/{name}";
        try
        {
            if (await artifacts.ReadAsync(inboxBlob, imaging.Value.MaxUploadBytes, cancellationToken) is not { } drop)
            {
                return new DropOutcome(inboxBlob, DropDisposition.Gone, null, false, null);
            }

            await artifacts.PutAsync(aside, drop.Bytes, drop.ContentType, cancellationToken);
            return await RefuseAsync(inboxBlob, aside + ".error.json", error, drop.ETag, cancellationToken);
        }
        catch (ArtifactTooLargeException)
        {
            return await RefuseAsync(inboxBlob, aside + ".error.json", error, etag: null, cancellationToken);
        }
    }

    private async Task<DropOutcome> QuarantineAsync(string inboxBlob, string name, string why, CancellationToken cancellationToken)
    {
        var error = new JobError(
            ErrorCodes.DropInvalidName,
            $"The blob name is not a safe inbox/{{operation}}/{{path}} name ({why}); it was left where it is and will not be read. Rename it.",
            400);
        string record = QuarantineRecord(name);
        if (!await artifacts.ExistsAsync(record, cancellationToken))
        {
            await artifacts.PutAsync(record, JsonSerializer.SerializeToUtf8Bytes(new { error.Code, error.Message, error.Status, Blob = BlobNames.Printable(inboxBlob, 300) }, Json), "application/json", cancellationToken);
        }

        return new DropOutcome(BlobNames.Printable(inboxBlob), DropDisposition.Quarantined, null, false, error);
    }
}
