namespace Darkroom.Core.Classification;

/// <summary>
/// What the classifier chain said about one photo: a category, how sure, a short description, which method and
/// model said it, and how long each step took.
/// </summary>
public sealed record ClassificationResult(
    string Category,
    double Confidence,
    string Description,
    string Method,
    string Model,
    string ModelVersion,
    IReadOnlyList<ClassifierStepTiming> Steps,
    PhotoPlace? Place = null);

/// <summary>
/// Where a photo was taken, from its EXIF GPS: the nearest city (GeoNames, population 1,000 or more), its region and
/// country in English and Chinese, the position, and the city's distance from it.
/// </summary>
public sealed record PhotoPlace(string City, string? Region, string CountryCode, string Country, string? CountryZh, double Latitude, double Longitude, double DistanceKm);

/// <summary>One step of the chain: what it concluded (a category, or why it passed) and how long it took.</summary>
public sealed record ClassifierStepTiming(string Step, string Outcome, long ElapsedMs);

/// <summary>A cached classification, keyed by the SHA-256 of the uploaded bytes within a tenant.</summary>
public sealed record CachedClassification(
    string Sha256,
    ClassificationResult Result,
    string ClassifierVersion,
    long HitCount,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastHit);

/// <summary>A classification as the API answers it: the result, whether it came from the cache, and the request's timings.</summary>
public sealed record ClassificationView(
    string Sha256,
    string Category,
    double Confidence,
    string Description,
    string Method,
    string Model,
    string ModelVersion,
    bool Cached,
    long ElapsedMs,
    IReadOnlyList<ClassifierStepTiming> Steps,
    PhotoPlace? Place = null)
{
    public static ClassificationView From(string sha256, ClassificationResult result, bool cached, long elapsedMs) => new(
        sha256,
        result.Category,
        result.Confidence,
        result.Description,
        cached ? ClassifyMethods.Cache : result.Method,
        result.Model,
        result.ModelVersion,
        cached,
        elapsedMs,
        cached ? [] : result.Steps,
        result.Place);
}

/// <summary>A tenant's classification counters for one UTC day.</summary>
public sealed record ClassifyDayStats(
    string Day,
    long Requests,
    long CacheHits,
    IReadOnlyDictionary<string, long> Methods,
    IReadOnlyDictionary<string, long> Categories)
{
    public double HitRate => Requests == 0 ? 0 : (double)CacheHits / Requests;
}
