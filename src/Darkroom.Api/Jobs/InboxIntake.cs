using System.Text;
using System.Text.Json;
using Darkroom.Api.Endpoints;
using Darkroom.Core.Accounts;
using Darkroom.Core.Errors;
using Darkroom.Core.Jobs;
using Darkroom.Core.Ports;
using Microsoft.Extensions.Options;

namespace Darkroom.Api.Jobs;

/// <summary>What became of one dropped blob.</summary>
public sealed record DropOutcome(string InboxBlob, string? JobId, bool Created, JobError? Error);

/// <summary>
/// Blob drop: an image written to <c>inbox/{operation}/{path}</c> (options in the blob's <c>options</c> metadata)
/// becomes a job whose result also lands in <c>outbox/{operation}/{path}</c>. The Idempotency-Key is the blob's
/// name and ETag, so a drop seen twice (a restart, a repeated trigger) starts one job; the blob is deleted once
/// its job is started. A drop that is not a valid job leaves <c>outbox/{operation}/{path}.error.json</c>.
/// </summary>
public sealed class InboxIntake(IArtifactStore artifacts, JobSubmitter submitter, IOptions<ApiOptions> options)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <param name="inboxBlob">"inbox/{operation}/{path}".</param>
    public async Task<DropOutcome?> AcceptAsync(string inboxBlob, IJobStarter starter, CancellationToken cancellationToken)
    {
        ArtifactContent? drop = await artifacts.ReadAsync(inboxBlob, cancellationToken);
        if (drop is null)
        {
            return null;
        }

        (string operationName, string path) = Parse(inboxBlob);
        DropOutcome outcome;
        try
        {
            if (!JobOperations.TryParse(operationName, out JobOperation operation))
            {
                throw new DarkroomException(ErrorCodes.RequestInvalid, 400, $"Unknown operation folder '{operationName}'; drop images under inbox/{JobOperations.RemoveBackgroundName}/.");
            }

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
            outcome = new DropOutcome(inboxBlob, submitted.Job.JobId, submitted.Created, null);
        }
        catch (DarkroomException ex) when (ex.Status < 500)
        {
            JobError error = ex.ToError();
            await artifacts.PutAsync(
                $"{ArtifactPaths.Outbox}/{operationName}/{path}.error.json",
                Encoding.UTF8.GetBytes(JsonSerializer.Serialize(error, Json)),
                "application/json",
                cancellationToken);
            outcome = new DropOutcome(inboxBlob, null, false, error);
        }

        await artifacts.DeleteIfUnchangedAsync(inboxBlob, drop.ETag, cancellationToken);
        return outcome;
    }

    /// <summary>Where the result goes: the same path under outbox, the extension the output format decides (set at persist).</summary>
    public static string OutboxFor(string operation, string path) => $"{ArtifactPaths.Outbox}/{operation}/{path}";

    private static (string Operation, string Path) Parse(string inboxBlob)
    {
        (string container, string name) = ArtifactPaths.Split(inboxBlob);
        int slash = name.IndexOf('/', StringComparison.Ordinal);
        if (container != ArtifactPaths.Inbox || slash <= 0 || slash == name.Length - 1)
        {
            throw new ArgumentException($"'{inboxBlob}' is not inbox/{{operation}}/{{path}}.", nameof(inboxBlob));
        }

        return (name[..slash], name[(slash + 1)..]);
    }
}
