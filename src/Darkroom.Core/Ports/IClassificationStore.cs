using Darkroom.Core.Classification;

namespace Darkroom.Core.Ports;

/// <summary>What a claim on a hash found.</summary>
public enum ClaimStatus
{
    /// <summary>The caller holds the claim and must classify, then complete or abandon it.</summary>
    Claimed,

    /// <summary>Someone else is classifying these bytes now: wait for their result.</summary>
    Pending,

    /// <summary>The result is already there.</summary>
    Done,
}

public sealed record ClaimOutcome(ClaimStatus Status, CachedClassification? Entry);

/// <summary>
/// The Classifications table: per tenant, one row per SHA-256 of uploaded bytes. A row is first a claim (one
/// classifier at a time per hash, even across processes), then the result with its hit count.
/// </summary>
public interface IClassificationStore
{
    Task<CachedClassification?> GetAsync(string tenant, string sha256, string classifierVersion, CancellationToken cancellationToken);

    /// <summary>Claims the hash for classification; a claim older than <paramref name="staleAfter"/> (its holder died) is taken over.</summary>
    Task<ClaimOutcome> ClaimAsync(string tenant, string sha256, string classifierVersion, TimeSpan staleAfter, CancellationToken cancellationToken);

    Task<CachedClassification> CompleteAsync(string tenant, string sha256, string classifierVersion, ClassificationResult result, CancellationToken cancellationToken);

    /// <summary>Drops a claim whose classification failed, so the next request tries again.</summary>
    Task AbandonAsync(string tenant, string sha256, CancellationToken cancellationToken);

    /// <summary>Counts a cache hit (hit count, last hit).</summary>
    Task RecordHitAsync(string tenant, string sha256, CancellationToken cancellationToken);

    /// <summary>Counts one classify request for the day's statistics.</summary>
    Task RecordRequestAsync(string tenant, DateTimeOffset at, string method, string category, CancellationToken cancellationToken);

    Task<ClassifyDayStats> DayAsync(string tenant, string day, CancellationToken cancellationToken);

    Task<IReadOnlyList<ClassifyDayStats>> DaysAsync(string tenant, CancellationToken cancellationToken);

    /// <summary>Every tenant's daily statistics (for the admin's view of who classifies most).</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<ClassifyDayStats>>> AllDaysAsync(CancellationToken cancellationToken);

    /// <summary>Every finished entry of the tenant (for distribution and cache statistics).</summary>
    Task<IReadOnlyList<CachedClassification>> ListAsync(string tenant, CancellationToken cancellationToken);
}
