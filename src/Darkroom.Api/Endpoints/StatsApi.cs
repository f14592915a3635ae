using Darkroom.Azure;
using Darkroom.Core.Classification;
using Darkroom.Core.Ports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Darkroom.Api.Endpoints;

/// <param name="RemoteCallsAvoided">Cache hits on answers a remote model gave (this tenant's own, or another's it uploaded the same bytes for).</param>
/// <param name="CostAvoided">Those calls at <c>Darkroom:Classify:RemoteCallPrice</c> each.</param>
public sealed record CacheEfficiencyView(long Requests, long CacheHits, double HitRate, long Classified, long CachedPhotos, long TotalHitsOnEntries, IReadOnlyDictionary<string, long> Methods, long RemoteCallsAvoided = 0, decimal CostAvoided = 0);

public sealed record CategoryDistributionView(long Photos, IReadOnlyDictionary<string, long> Categories);

/// <summary>One country in the caller's photos: how many were taken there, and its cities by count.</summary>
public sealed record PlaceCountryView(string CountryCode, string Country, string? CountryZh, long Photos, IReadOnlyDictionary<string, long> Cities);

/// <summary>Where the caller's classified photos were taken (EXIF GPS), by country and city; photos without GPS counted apart.</summary>
public sealed record PlacesView(long Photos, long WithPlace, IReadOnlyList<PlaceCountryView> Countries);

/// <summary>One tenant's classify use, for the admin: requests, cache hits, remote calls it avoided and their cost.</summary>
public sealed record TopUserView(string Tenant, long Requests, long CacheHits, double HitRate, long RemoteCallsAvoided, decimal CostAvoided);

public sealed record TopUsersView(IReadOnlyList<TopUserView> Users, long Requests, long CacheHits, long RemoteCallsAvoided, decimal CostAvoided);

/// <summary>/api/v1/stats: the caller's classification requests today, cache efficiency, and category distribution.</summary>
public static class StatsApi
{
    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder group = app.MapGroup($"{JobsApi.BasePath}/stats").WithTags("Statistics");
        group.MapGet("/today", Today);
        group.MapGet("/cache-efficiency", CacheEfficiency);
        group.MapGet("/category-distribution", CategoryDistribution);
        group.MapGet("/places", Places);
        group.MapGet("/users/top", TopUsers).ProducesProblem(401);
        return app;
    }

    public static async Task<Ok<ClassifyDayStats>> Today(HttpContext context, Caller caller, IClassificationStore store, TimeProvider clock, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.DayAsync(await caller.TenantOfAsync(context), TableClassificationStore.Day(clock.GetUtcNow()), cancellationToken));

    public static async Task<Ok<CacheEfficiencyView>> CacheEfficiency(HttpContext context, Caller caller, IClassificationStore store, Microsoft.Extensions.Options.IOptions<Darkroom.Pipeline.Classification.ClassifyOptions> classify, CancellationToken cancellationToken)
    {
        string tenant = await caller.TenantOfAsync(context);
        IReadOnlyList<ClassifyDayStats> days = await store.DaysAsync(tenant, cancellationToken);
        IReadOnlyList<CachedClassification> entries = await store.ListAsync(tenant, cancellationToken);
        long requests = days.Sum(d => d.Requests), hits = days.Sum(d => d.CacheHits);
        Dictionary<string, long> methods = days.SelectMany(d => d.Methods).GroupBy(m => m.Key).ToDictionary(g => g.Key, g => g.Sum(m => m.Value));
        long avoided = entries.Where(e => e.Result.Method == ClassifyMethods.Remote).Sum(e => e.HitCount);
        return TypedResults.Ok(new CacheEfficiencyView(
            requests, hits, requests == 0 ? 0 : Math.Round((double)hits / requests, 4), requests - hits, entries.Count, entries.Sum(e => e.HitCount), methods)
        {
            RemoteCallsAvoided = avoided,
            CostAvoided = avoided * classify.Value.RemoteCallPrice,
        });
    }

    public static async Task<Ok<CategoryDistributionView>> CategoryDistribution(HttpContext context, Caller caller, IClassificationStore store, CancellationToken cancellationToken)
    {
        IReadOnlyList<CachedClassification> entries = await store.ListAsync(await caller.TenantOfAsync(context), cancellationToken);
        Dictionary<string, long> counts = Categories.All.ToDictionary(c => c, c => (long)entries.Count(e => e.Result.Category == c));
        return TypedResults.Ok(new CategoryDistributionView(entries.Count, counts));
    }

    public static async Task<Ok<PlacesView>> Places(HttpContext context, Caller caller, IClassificationStore store, CancellationToken cancellationToken)
    {
        IReadOnlyList<CachedClassification> entries = await store.ListAsync(await caller.TenantOfAsync(context), cancellationToken);
        PhotoPlace[] places = [.. entries.Select(e => e.Result.Place).OfType<PhotoPlace>()];
        PlaceCountryView[] countries =
        [
            .. places.GroupBy(p => p.CountryCode, StringComparer.Ordinal)
                .Select(g => new PlaceCountryView(
                    g.Key,
                    g.First().Country,
                    g.First().CountryZh,
                    g.Count(),
                    g.GroupBy(p => p.City, StringComparer.Ordinal).OrderByDescending(c => c.Count()).ThenBy(c => c.Key, StringComparer.Ordinal).ToDictionary(c => c.Key, c => (long)c.Count(), StringComparer.Ordinal)))
                .OrderByDescending(c => c.Photos)
                .ThenBy(c => c.CountryCode, StringComparer.Ordinal),
        ];
        return TypedResults.Ok(new PlacesView(entries.Count, places.Length, countries));
    }

    /// <summary>The tenants that classify most (admin key): requests, hits and the remote calls (and cost) the cache saved each, and in all.</summary>
    public static async Task<Ok<TopUsersView>> TopUsers(
        HttpContext context, Microsoft.Extensions.Options.IOptions<AuthOptions> auth, IClassificationStore store, Microsoft.Extensions.Options.IOptions<Darkroom.Pipeline.Classification.ClassifyOptions> classify, int? limit, CancellationToken cancellationToken)
    {
        AdminApi.CheckAdmin(context, auth.Value);
        decimal price = classify.Value.RemoteCallPrice;
        var users = new List<TopUserView>();
        foreach ((string tenant, IReadOnlyList<ClassifyDayStats> days) in await store.AllDaysAsync(cancellationToken))
        {
            long requests = days.Sum(d => d.Requests), hits = days.Sum(d => d.CacheHits);
            long avoided = (await store.ListAsync(tenant, cancellationToken)).Where(e => e.Result.Method == ClassifyMethods.Remote).Sum(e => e.HitCount);
            users.Add(new TopUserView(tenant, requests, hits, requests == 0 ? 0 : Math.Round((double)hits / requests, 4), avoided, avoided * price));
        }

        TopUserView[] top = [.. users.OrderByDescending(u => u.Requests).ThenBy(u => u.Tenant, StringComparer.Ordinal).Take(Math.Clamp(limit ?? 10, 1, 100))];
        return TypedResults.Ok(new TopUsersView(top, users.Sum(u => u.Requests), users.Sum(u => u.CacheHits), users.Sum(u => u.RemoteCallsAvoided), users.Sum(u => u.CostAvoided)));
    }
}
