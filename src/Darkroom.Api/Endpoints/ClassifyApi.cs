using System.Text.RegularExpressions;
using Darkroom.Api.Jobs;
using Darkroom.Core.Accounts;
using Darkroom.Core.Classification;
using Darkroom.Core.Errors;
using Darkroom.Core.Images;
using Darkroom.Core.Jobs;
using Darkroom.Core.Ports;
using Darkroom.Imaging;
using Darkroom.Pipeline.Classification;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Darkroom.Api.Endpoints;

public sealed record CheckCacheRequest(IReadOnlyList<string>? Hashes);

public sealed record CheckCacheView(IReadOnlyList<ClassificationView> Hits, IReadOnlyList<string> Misses);

public sealed record ClassifyBatchItem(int Index, string? FileName, ClassificationView? Result, JobErrorView? Error);

public sealed record ClassifyBatchView(IReadOnlyList<ClassifyBatchItem> Items, int Total, int Cached, int Classified, int Failed, long ElapsedMs);

/// <summary>The services the classify routes use.</summary>
public sealed record ClassifyServices(Caller Caller, ImageProbe Probe, PhotoClassifier Classifier, Credits Credits, IOptions<ImagingOptions> Imaging, IOptions<ClassifyOptions> Options, Darkroom.Pipeline.Fetching.ImageFetcher Fetcher);

/// <summary>
/// /api/v1/classify: one photo synchronously, a batch in parallel, and a cache check by SHA-256 so clients upload
/// only misses. Nothing of the photo is stored but its hash and its classification. A photo the cache answers
/// costs nothing; a miss costs the <c>classify</c> cost once per photo and month, however many ask at once.
/// </summary>
public static partial class ClassifyApi
{
    public const int MaxHashes = 100;

    public static IEndpointRouteBuilder MapClassifyApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder group = app.MapGroup($"{JobsApi.BasePath}/classify").WithTags("Classify");
        group.MapPost("/", Classify).DisableAntiforgery().Accepts<IFormFile>("multipart/form-data")
            .ProducesProblem(400).ProducesProblem(402).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422);
        group.MapPost("/batch", ClassifyBatch).DisableAntiforgery().Accepts<IFormFile>("multipart/form-data").ProducesProblem(400);
        group.MapPost("/check-cache", CheckCache).ProducesProblem(400);
        app.MapPost($"{JobsApi.BasePath}/local-classify", LocalClassify).WithTags("Classify").DisableAntiforgery().Accepts<IFormFile>("multipart/form-data")
            .ProducesProblem(400).ProducesProblem(402).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422);
        return app;
    }

    public static async Task<Ok<ClassificationView>> Classify(HttpRequest request, [Microsoft.AspNetCore.Http.AsParameters] ClassifyServices services, CancellationToken cancellationToken)
    {
        Account account = (await services.Caller.KeyOfAsync(request.HttpContext)).ToAccount();
        Upload upload = await UploadReader.ReadAsync(request, services.Probe, services.Imaging.Value, services.Fetcher, cancellationToken);
        return TypedResults.Ok(await ClassifyOneAsync(account, upload.Image, services, cancellationToken));
    }

    /// <summary>The local steps only: never a remote call, whatever the configured mode (a cached answer is still returned).</summary>
    public static async Task<Ok<ClassificationView>> LocalClassify(HttpRequest request, [Microsoft.AspNetCore.Http.AsParameters] ClassifyServices services, CancellationToken cancellationToken)
    {
        Account account = (await services.Caller.KeyOfAsync(request.HttpContext)).ToAccount();
        Upload upload = await UploadReader.ReadAsync(request, services.Probe, services.Imaging.Value, services.Fetcher, cancellationToken);
        return TypedResults.Ok(await ClassifyOneAsync(account, upload.Image, services, cancellationToken, localOnly: true));
    }

    public static async Task<Ok<ClassifyBatchView>> ClassifyBatch(HttpRequest request, [Microsoft.AspNetCore.Http.AsParameters] ClassifyServices services, CancellationToken cancellationToken)
    {
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        Account account = (await services.Caller.KeyOfAsync(request.HttpContext)).ToAccount();
        BatchUpload upload = await UploadReader.ReadBatchAsync(request, services.Probe, services.Imaging.Value, services.Options.Value.MaxBatchItems, cancellationToken);
        var items = new ClassifyBatchItem[upload.Images.Count];
        await Parallel.ForAsync(
            0,
            upload.Images.Count,
            new ParallelOptions { MaxDegreeOfParallelism = services.Options.Value.BatchParallelism, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                (byte[] bytes, string fileName) = upload.Images[i];
                try
                {
                    items[i] = new ClassifyBatchItem(i, fileName, await ClassifyOneAsync(account, bytes, services, ct), null);
                }
                catch (DarkroomException ex) when (ex.Status < 500)
                {
                    items[i] = new ClassifyBatchItem(i, fileName, null, new JobErrorView(ex.Code, ex.Message));
                }
            });
        return TypedResults.Ok(new ClassifyBatchView(
            items,
            items.Length,
            items.Count(i => i.Result is { Cached: true }),
            items.Count(i => i.Result is { Cached: false }),
            items.Count(i => i.Error is not null),
            stopwatch.ElapsedMilliseconds));
    }

    public static async Task<Ok<CheckCacheView>> CheckCache(HttpContext context, CheckCacheRequest request, Caller caller, PhotoClassifier classifier, CancellationToken cancellationToken)
    {
        string tenant = await caller.TenantOfAsync(context);
        IReadOnlyList<string> hashes = request.Hashes ?? [];
        if (hashes.Count is 0 or > MaxHashes)
        {
            throw new DarkroomException(ErrorCodes.RequestInvalid, 400, $"Send {{\"hashes\": [...]}} with 1 to {MaxHashes} SHA-256 hashes of the photos' bytes.");
        }

        string? bad = hashes.FirstOrDefault(h => !Sha256Hex().IsMatch(h));
        if (bad is not null)
        {
            throw new DarkroomException(ErrorCodes.RequestInvalid, 400, $"'{Darkroom.Core.Ports.BlobNames.Printable(bad, 80)}' is not a SHA-256 hash (64 hex digits).");
        }

        string[] distinct = [.. hashes.Select(h => h.ToLowerInvariant()).Distinct(StringComparer.Ordinal)];
        IReadOnlyList<ClassificationView> hits = await classifier.LookUpAsync(tenant, distinct, cancellationToken);
        return TypedResults.Ok(new CheckCacheView(hits, [.. distinct.Except(hits.Select(h => h.Sha256), StringComparer.Ordinal)]));
    }

    private static async Task<ClassificationView> ClassifyOneAsync(Account account, byte[] bytes, ClassifyServices services, CancellationToken cancellationToken, bool localOnly = false)
    {
        PlanLimits limits = services.Credits.LimitsOf(account);
        PlanChecks.CheckBytes(account, bytes.LongLength, limits);
        ImageFacts facts = services.Probe.Probe(bytes);
        PlanChecks.CheckPixels(account, facts, limits);
        ClassifyOutcome outcome = await services.Classifier.ClassifyAsync(
            account.Tenant,
            bytes,
            facts,
            (sha, ct) => services.Credits.ChargeNowAsync(account, $"classify-{sha}", JobOperations.ClassifyName, ct),
            cancellationToken,
            localOnly);
        return outcome.ToView();
    }

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Hex();
}
