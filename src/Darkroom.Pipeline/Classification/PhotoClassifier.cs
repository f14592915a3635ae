using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Darkroom.Core.Classification;
using Darkroom.Core.Images;
using Darkroom.Core.Ports;
using Darkroom.Inference;
using Microsoft.Extensions.Options;

namespace Darkroom.Pipeline.Classification;

/// <summary>A classification and how it was obtained.</summary>
public sealed record ClassifyOutcome(string Sha256, ClassificationResult Result, bool Cached, long ElapsedMs)
{
    public ClassificationView ToView() => ClassificationView.From(Sha256, Result, Cached, ElapsedMs);
}

/// <summary>
/// Classifies a photo at most once per tenant: the SHA-256 of its bytes keys the cache. Identical requests in
/// one process share one run; across processes the Classifications row is a claim that one caller holds while
/// the others wait for its result. Only the holder runs the chain (and pays, through <c>onMiss</c>).
/// </summary>
public sealed class PhotoClassifier(
    IClassificationStore store,
    ClassifierChain chain,
    TextDetector detector,
    TextRecognizer recognizer,
    IOptions<ClassifyOptions> options,
    Places places,
    TimeProvider clock)
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<string, Lazy<Task<ClassifyOutcome>>> _inFlight = new(StringComparer.Ordinal);

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <param name="onMiss">Runs before the chain when this call is the one that classifies (charging for it); may throw to refuse.</param>
    /// <param name="localOnly">
    /// The local steps only (<c>/local-classify</c>): a cached answer is still returned (no remote call is made for it
    /// now), but a miss runs only the local steps and is not cached, so it never stands in for the full chain's answer.
    /// </param>
    public async Task<ClassifyOutcome> ClassifyAsync(
        string tenant, byte[] bytes, ImageFacts facts, Func<string, CancellationToken, Task>? onMiss, CancellationToken cancellationToken, bool localOnly = false)
    {
        var stopwatch = Stopwatch.StartNew();
        string sha = Sha256(bytes);
        string key = localOnly ? $"{tenant}|{sha}|local" : $"{tenant}|{sha}";
        var mine = new Lazy<Task<ClassifyOutcome>>(() => localOnly
            ? RunLocalAsync(tenant, sha, bytes, facts, onMiss, cancellationToken)
            : RunOnceAsync(tenant, sha, bytes, facts, onMiss, cancellationToken));
        Lazy<Task<ClassifyOutcome>> flight = _inFlight.GetOrAdd(key, mine);
        ClassifyOutcome outcome;
        try
        {
            outcome = await flight.Value.WaitAsync(cancellationToken);
        }
        finally
        {
            if (ReferenceEquals(flight, mine))
            {
                _inFlight.TryRemove(new KeyValuePair<string, Lazy<Task<ClassifyOutcome>>>(key, mine));
            }
        }

        // A request that joined another's run did not classify: for it, the answer came from the cache.
        bool joined = !ReferenceEquals(flight, mine);
        outcome = outcome with { Cached = outcome.Cached || joined, ElapsedMs = stopwatch.ElapsedMilliseconds };
        if (joined)
        {
            await store.RecordHitAsync(tenant, sha, CancellationToken.None);
        }

        await store.RecordRequestAsync(tenant, clock.GetUtcNow(), outcome.Cached ? ClassifyMethods.Cache : outcome.Result.Method, outcome.Result.Category, CancellationToken.None);
        Core.Telemetry.DarkroomTelemetry.ClassifyCacheLookups.Add(1, new KeyValuePair<string, object?>("darkroom.cache.hit", outcome.Cached));
        return outcome;
    }

    /// <summary>The cached results among these hashes (counted as hits).</summary>
    public async Task<IReadOnlyList<ClassificationView>> LookUpAsync(string tenant, IEnumerable<string> hashes, CancellationToken cancellationToken)
    {
        var hits = new List<ClassificationView>();
        foreach (string sha in hashes)
        {
            if (await store.GetAsync(tenant, sha, options.Value.Version, cancellationToken) is { } entry)
            {
                await store.RecordHitAsync(tenant, sha, cancellationToken);
                hits.Add(ClassificationView.From(sha, entry.Result, cached: true, 0));
            }
        }

        return hits;
    }

    private async Task<ClassifyOutcome> RunLocalAsync(
        string tenant, string sha, byte[] bytes, ImageFacts facts, Func<string, CancellationToken, Task>? onMiss, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(tenant, sha, options.Value.Version, cancellationToken) is { } entry)
        {
            await store.RecordHitAsync(tenant, sha, cancellationToken);
            return new ClassifyOutcome(sha, entry.Result, Cached: true, 0);
        }

        if (onMiss is not null)
        {
            await onMiss(sha, cancellationToken);
        }

        using var input = new ClassifierInput(bytes, facts, detector, recognizer);
        return new ClassifyOutcome(sha, WithPlace(await chain.ClassifyAsync(input, cancellationToken, localOnly: true), input), Cached: false, 0);
    }

    /// <summary>
    /// The cache shared by all tenants: one result per SHA-256 and classifier version, in a partition no tenant name
    /// can have. A tenant receives a shared result only by uploading the bytes themselves (proof of possession); it
    /// is then copied into the tenant's own partition, which is all that <c>check-cache</c> ever reads.
    /// </summary>
    public const string SharedPartition = "_shared";

    private async Task<ClassifyOutcome> RunOnceAsync(
        string tenant, string sha, byte[] bytes, ImageFacts facts, Func<string, CancellationToken, Task>? onMiss, CancellationToken cancellationToken)
    {
        ClassifyOptions o = options.Value;
        if (await store.GetAsync(tenant, sha, o.Version, cancellationToken) is { } own)
        {
            await store.RecordHitAsync(tenant, sha, cancellationToken);
            return new ClassifyOutcome(sha, own.Result, Cached: true, 0);
        }

        TimeSpan stale = TimeSpan.FromSeconds(o.ClaimStaleSeconds);
        DateTimeOffset giveUpWaiting = clock.GetUtcNow() + stale + stale;
        while (true)
        {
            // One classifier at a time per hash across every tenant and process.
            ClaimOutcome claim = await store.ClaimAsync(SharedPartition, sha, o.Version, stale, cancellationToken);
            switch (claim.Status)
            {
                case ClaimStatus.Done:
                    // Classified before, for someone: this tenant uploaded the bytes, so it may have the answer.
                    await store.RecordHitAsync(SharedPartition, sha, cancellationToken);
                    await store.CompleteAsync(tenant, sha, o.Version, claim.Entry!.Result, CancellationToken.None);
                    await store.RecordHitAsync(tenant, sha, CancellationToken.None);
                    Core.Telemetry.DarkroomTelemetry.ClassifySharedHits.Add(1);
                    return new ClassifyOutcome(sha, claim.Entry.Result, Cached: true, 0);
                case ClaimStatus.Pending when clock.GetUtcNow() < giveUpWaiting:
                    await Task.Delay(PollEvery, clock, cancellationToken);
                    continue;
                case ClaimStatus.Pending:
                    throw new TimeoutException($"Another classifier has held photo {sha[..12]} for too long.");
            }

            try
            {
                if (onMiss is not null)
                {
                    await onMiss(sha, cancellationToken);
                }

                using var input = new ClassifierInput(bytes, facts, detector, recognizer);
                ClassificationResult result = WithPlace(await chain.ClassifyAsync(input, cancellationToken), input);
                await store.CompleteAsync(SharedPartition, sha, o.Version, result, CancellationToken.None);
                await store.CompleteAsync(tenant, sha, o.Version, result, CancellationToken.None);
                return new ClassifyOutcome(sha, result, Cached: false, 0);
            }
            catch
            {
                await store.AbandonAsync(SharedPartition, sha, CancellationToken.None);
                throw;
            }
        }
    }

    /// <summary>The result with the place the photo's EXIF GPS points at, when it has GPS and the place data is installed.</summary>
    private ClassificationResult WithPlace(ClassificationResult result, ClassifierInput input) =>
        input.Gps is { } gps && places.Near(gps.Latitude, gps.Longitude) is { } place ? result with { Place = place } : result;
}
