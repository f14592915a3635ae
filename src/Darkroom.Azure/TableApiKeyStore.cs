using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Darkroom.Core.Accounts;
using Darkroom.Core.Ports;

namespace Darkroom.Azure;

/// <summary><see cref="IApiKeyStore"/> on the ApiKeys table: partition "key", row = SHA-256 of the key.</summary>
public sealed class TableApiKeyStore(StorageClients clients) : IApiKeyStore
{
    private const string Partition = "key";

    private TableClient Table => clients.Table(StorageNames.ApiKeysTable);

    public async Task<ApiKeyRecord?> FindAsync(string keyHash, CancellationToken cancellationToken)
    {
        NullableResponse<TableEntity> response = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, keyHash, cancellationToken: cancellationToken);
        return response.HasValue ? Read(response.Value!) : null;
    }

    public async Task UpsertAsync(ApiKeyRecord key, CancellationToken cancellationToken) =>
        await Table.UpsertEntityAsync(
            new TableEntity(Partition, key.KeyHash)
            {
                ["Prefix"] = key.Prefix,
                ["Tenant"] = key.Tenant,
                ["Json"] = JsonSerializer.Serialize(key, StorageJson.Options),
            },
            TableUpdateMode.Replace,
            cancellationToken);

    public async Task<int> RevokeAsync(string prefix, DateTimeOffset at, CancellationToken cancellationToken)
    {
        int revoked = 0;
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and Prefix eq {prefix}");
        await foreach (TableEntity entity in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            ApiKeyRecord key = Read(entity);
            if (key.IsActive)
            {
                await UpsertAsync(key with { RevokedAt = at }, cancellationToken);
                revoked++;
            }
        }

        return revoked;
    }

    private static ApiKeyRecord Read(TableEntity entity) =>
        JsonSerializer.Deserialize<ApiKeyRecord>(entity.GetString("Json"), StorageJson.Options)
        ?? throw new InvalidDataException($"API key {entity.RowKey} has an empty record.");
}
