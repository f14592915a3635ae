using System.Diagnostics;
using System.Text.Json;
using Darkroom.Core.Errors;
using Darkroom.Core.Jobs;
using Darkroom.Core.Ports;
using Darkroom.Core.Workflow;
using Darkroom.Pipeline.Classification;

namespace Darkroom.Pipeline.Activities;

/// <summary>Classifies the job's photo through the cache and the chain; the answer is also the job's result (JSON).</summary>
public sealed class ClassifyActivity(IArtifactStore artifacts, PhotoClassifier classifier) : IActivity<ClassifyRequest, ClassifyResult>
{
    public async Task<ClassifyResult> RunAsync(ClassifyRequest request, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        byte[] bytes = await artifacts.GetAsync(request.SourceBlob, cancellationToken)
            ?? throw Problems.JobNotFound(request.JobId);
        ClassifyOutcome outcome = await classifier.ClassifyAsync(request.Tenant, bytes, request.Facts, onMiss: null, cancellationToken);
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(outcome.ToView(), ActivityDispatcher.Json);
        string blob = ArtifactPaths.Result(request.Tenant, request.JobId, "json");
        await artifacts.PutAsync(blob, json, "application/json", cancellationToken);
        return new ClassifyResult(outcome.Result, outcome.Cached, new JobResult(blob, "application/json", json.Length, 0, 0), stopwatch.ElapsedMilliseconds);
    }
}
