using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Darkroom.Api.Endpoints;

/// <summary>Who is calling: the tenant every record is scoped to.</summary>
public sealed class Caller(IOptions<ApiOptions> options)
{
    public string TenantOf(HttpContext context) => options.Value.DefaultTenant;
}
