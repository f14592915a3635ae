using System.Security.Cryptography;
using System.Text;
using Darkroom.Api.Jobs;
using Darkroom.Core.Errors;
using Darkroom.Pipeline.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Darkroom.Api.Endpoints;

/// <summary>A new key and its webhook signing secret, both shown once.</summary>
public sealed record CreatedKeyView(string Key, string Prefix, string Tenant, string Plan, string WebhookSecret, string? CallbackUrl);

/// <param name="CallbackUrl">A default callback for the key's jobs that name none.</param>
public sealed record CreateKeyRequest(string Tenant, string Plan, string? CallbackUrl = null);

/// <summary>/api/v1/admin/keys: create and revoke API keys with the admin key (X-Admin-Key).</summary>
public static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder group = app.MapGroup($"{JobsApi.BasePath}/admin/keys").WithTags("Admin");
        group.MapPost("/", CreateKey).ProducesProblem(401).ProducesProblem(400);
        group.MapDelete("/{prefix}", RevokeKey).ProducesProblem(401).ProducesProblem(404);
        return group;
    }

    public static async Task<Created<CreatedKeyView>> CreateKey(
        HttpContext context, CreateKeyRequest request, ApiKeys keys, IOptions<AuthOptions> auth, CallbackUrls callbacks, CancellationToken cancellationToken)
    {
        CheckAdmin(context, auth.Value);
        string? callbackUrl = request.CallbackUrl is null ? null : await callbacks.CheckAsync(request.CallbackUrl, cancellationToken);
        if (!Core.Accounts.TenantNames.IsValid(request.Tenant))
        {
            throw new DarkroomException(ErrorCodes.RequestInvalid, 400, "tenant must be 1-40 characters of a-z, 0-9 and '-'.");
        }

        if (request.Plan is null || !auth.Value.Plans.ContainsKey(request.Plan))
        {
            throw new DarkroomException(ErrorCodes.RequestInvalid, 400, $"Unknown plan '{Darkroom.Core.Ports.BlobNames.Printable(request.Plan, 60)}'; configured plans: {string.Join(", ", auth.Value.Plans.Keys)}.");
        }

        (string key, Core.Accounts.ApiKeyRecord record) = await keys.CreateAsync(request.Tenant, request.Plan, callbackUrl, cancellationToken);
        return TypedResults.Created(
            $"{JobsApi.BasePath}/admin/keys/{record.Prefix}",
            new CreatedKeyView(key, record.Prefix, record.Tenant, record.Plan, record.WebhookSecret!, record.CallbackUrl));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeKey(
        HttpContext context, string prefix, ApiKeys keys, IOptions<AuthOptions> auth, CancellationToken cancellationToken)
    {
        CheckAdmin(context, auth.Value);
        return await keys.RevokeAsync(prefix, cancellationToken) > 0
            ? TypedResults.NoContent()
            : TypedResults.Problem(ProblemMapping.Create(404, ErrorCodes.RequestInvalid, $"No active key starts with '{prefix}'."));
    }

    /// <summary>Refuses (401) a request without the configured admin key; with none configured, every request.</summary>
    internal static void CheckAdmin(HttpContext context, AuthOptions auth)
    {
        byte[] given = Encoding.UTF8.GetBytes(context.Request.Headers["X-Admin-Key"].FirstOrDefault() ?? "");
        byte[] expected = Encoding.UTF8.GetBytes(auth.AdminKey);
        if (expected.Length == 0 || !CryptographicOperations.FixedTimeEquals(given, expected))
        {
            throw new DarkroomException(ErrorCodes.AuthInvalidKey, 401, "Send the admin key in the X-Admin-Key header.");
        }
    }
}
