using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Darkroom.Core.Jobs;
using Darkroom.Core.Ports;

namespace Darkroom.Azure;

/// <summary>
/// <see cref="IJobStore"/> on the Jobs table: partition = tenant, row = job id (newest first), the record as JSON
/// beside a few plain columns for people browsing the table. Idempotency keys live in partition "idem|{tenant}".
/// </summary>
public sealed class TableJobStore(StorageClients clients) : IJobStore
{
    private const int MaxConflictRetries = 8;

    private TableClient Table => clients.Table(StorageNames.JobsTable);

    public async Task<JobRecord?> GetAsync(string tenant, string jobId, CancellationToken cancellationToken)
    {
        NullableResponse<TableEntity> response = await Table.GetEntityIfExistsAsync<TableEntity>(tenant, jobId, cancellationToken: cancellationToken);
        return response.HasValue ? ToRecord(response.Value!) : null;
    }

    public async Task<bool> TryCreateAsync(JobRecord job, CancellationToken cancellationToken)
    {
        try
        {
            await Table.AddEntityAsync(ToEntity(job), cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    public async Task<JobRecord?> UpdateAsync(string tenant, string jobId, Func<JobRecord, JobRecord> change, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            NullableResponse<TableEntity> response = await Table.GetEntityIfExistsAsync<TableEntity>(tenant, jobId, cancellationToken: cancellationToken);
            if (!response.HasValue)
            {
                return null;
            }

            TableEntity current = response.Value!;
            JobRecord updated = change(ToRecord(current));
            try
            {
                await Table.UpdateEntityAsync(ToEntity(updated), current.ETag, TableUpdateMode.Replace, cancellationToken);
                return updated;
            }
            catch (RequestFailedException ex) when ((ex.Status == 412 || ex.Status == 404) && attempt < MaxConflictRetries)
            {
                // Someone else wrote in between: read again and re-apply.
            }
        }
    }

    public async Task<JobPage> ListAsync(string tenant, int pageSize, string? continuation, CancellationToken cancellationToken)
    {
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {tenant}");
        // Tokens go out wrapped in base64url, so anything a caller invents that is not one is refused, never passed on.
        string? sdkToken = null;
        if (continuation is not null)
        {
            try
            {
                sdkToken = continuation.Length <= 1024 ? System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(continuation)) : null;
            }
            catch (FormatException)
            {
                sdkToken = null;
            }

            if (string.IsNullOrEmpty(sdkToken) || sdkToken.Any(char.IsControl))
            {
                throw BadContinuation();
            }
        }

        try
        {
            await foreach (Page<TableEntity> page in Table.QueryAsync<TableEntity>(filter, pageSize, cancellationToken: cancellationToken).AsPages(sdkToken, pageSize))
            {
                string? next = page.ContinuationToken is { Length: > 0 } token ? System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(token)) : null;
                return new JobPage([.. page.Values.Select(ToRecord)], next);
            }
        }
        catch (Exception ex) when (sdkToken is not null && ex is RequestFailedException { Status: 400 } or ArgumentException or FormatException or IndexOutOfRangeException)
        {
            throw BadContinuation();
        }

        return new JobPage([], null);
    }

    public async IAsyncEnumerable<JobRecord> ListFinishedBeforeAsync(DateTimeOffset before, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string filter = TableClient.CreateQueryFilter(
            $"(Status eq {nameof(JobStatus.Completed)} or Status eq {nameof(JobStatus.Failed)} or Status eq {nameof(JobStatus.Canceled)}) and Timestamp lt {before}");
        await foreach (TableEntity entity in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            yield return ToRecord(entity);
        }
    }

    public async Task DeleteAsync(string tenant, string jobId, CancellationToken cancellationToken) =>
        await Table.DeleteEntityAsync(tenant, jobId, ETag.All, cancellationToken);

    public async Task<string> ClaimIdempotencyKeyAsync(string tenant, string keyHash, string jobId, TimeSpan staleAfter, CancellationToken cancellationToken)
    {
        string partition = IdempotencyPartition(tenant);
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                await Table.AddEntityAsync(new TableEntity(partition, keyHash) { ["JobId"] = jobId, ["ClaimedAt"] = DateTimeOffset.UtcNow }, cancellationToken);
                return jobId;
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                NullableResponse<TableEntity> found = await Table.GetEntityIfExistsAsync<TableEntity>(partition, keyHash, cancellationToken: cancellationToken);
                if (!found.HasValue)
                {
                    continue;
                }

                TableEntity claim = found.Value!;
                string holder = claim.GetString("JobId");
                DateTimeOffset claimedAt = claim.GetDateTimeOffset("ClaimedAt") ?? claim.Timestamp ?? DateTimeOffset.MinValue;
                if (attempt >= 3 || DateTimeOffset.UtcNow - claimedAt < staleAfter || await GetAsync(tenant, holder, cancellationToken) is not null)
                {
                    return holder;
                }

                // Stale: the claim's submission died before creating its job, or the job was deleted. Take it over,
                // unless another request did in the meantime (then its claim wins).
                try
                {
                    claim["JobId"] = jobId;
                    claim["ClaimedAt"] = DateTimeOffset.UtcNow;
                    await Table.UpdateEntityAsync(claim, claim.ETag, TableUpdateMode.Replace, cancellationToken);
                    return jobId;
                }
                catch (RequestFailedException conflict) when (conflict.Status is 412 or 404)
                {
                    // Changed or gone under us: look again.
                }
            }
        }
    }

    public async Task ReleaseIdempotencyKeyAsync(string tenant, string keyHash, CancellationToken cancellationToken) =>
        await Table.DeleteEntityAsync(IdempotencyPartition(tenant), keyHash, ETag.All, cancellationToken);

    private static Core.Errors.DarkroomException BadContinuation() =>
        new(Core.Errors.ErrorCodes.RequestInvalid, 400, "continuation is not a token this API gave out; start again without it.");

    private static string IdempotencyPartition(string tenant) => $"idem|{tenant}";

    private static TableEntity ToEntity(JobRecord job) => new(job.Tenant, job.JobId)
    {
        ["Operation"] = job.Operation.Name(),
        ["Status"] = job.Status.ToString(),
        ["Stage"] = job.Stage,
        ["CreatedAt"] = job.CreatedAt,
        ["Json"] = JsonSerializer.Serialize(job, StorageJson.Options),
    };

    private static JobRecord ToRecord(TableEntity entity) =>
        JsonSerializer.Deserialize<JobRecord>(entity.GetString("Json"), StorageJson.Options)
        ?? throw new InvalidDataException($"Job {entity.RowKey} has an empty record.");
}
