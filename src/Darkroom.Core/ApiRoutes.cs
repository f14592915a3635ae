namespace Darkroom.Core;

/// <summary>
/// Where API v1 lives, for both hosts: the server maps <see cref="BasePath"/>; the Functions bindings give routes
/// relative to <see cref="Prefix"/>, which host.json's <c>extensions.http.routePrefix</c> must equal (a test checks it).
/// </summary>
public static class ApiRoutes
{
    public const string Prefix = "api";
    public const string Version = "v1";
    public const string BasePath = "/" + Prefix + "/" + Version;

    /// <summary>Routes as the Functions bindings write them (relative to the route prefix).</summary>
    public const string Jobs = Version + "/jobs";
    public const string Job = Jobs + "/{id}";
    public const string JobResult = Job + "/result";
    public const string RemoveBackground = Version + "/remove-background";
    public const string RemoveWatermark = Version + "/remove-watermark";
    public const string Batches = Version + "/batches";
    public const string Batch = Batches + "/{id}";
    public const string AdminKeys = Version + "/admin/keys";
    public const string AdminKey = AdminKeys + "/{prefix}";
    public const string Usage = Version + "/usage";
    public const string Classify = Version + "/classify";
    public const string ClassifyBatch = Classify + "/batch";
    public const string ClassifyCheckCache = Classify + "/check-cache";
    public const string LocalClassify = Version + "/local-classify";
    public const string Stats = Version + "/stats";
    public const string StatsToday = Stats + "/today";
    public const string StatsCacheEfficiency = Stats + "/cache-efficiency";
    public const string StatsCategoryDistribution = Stats + "/category-distribution";
    public const string StatsPlaces = Stats + "/places";
    public const string StatsTopUsers = Stats + "/users/top";
    public const string Health = Version + "/health";
    public const string HealthLive = Health + "/live";
    public const string HealthReady = Health + "/ready";

    /// <summary>remove.bg's route (its own version segment), under the same prefix.</summary>
    public const string RemoveBg = "v1.0/removebg";
}
