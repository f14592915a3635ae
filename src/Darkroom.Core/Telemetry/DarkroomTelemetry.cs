using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Darkroom.Core.Telemetry;

/// <summary>
/// Darkroom's traces and metrics (OpenTelemetry through System.Diagnostics; exporters are the hosts' choice). Every
/// job has one trace whose id is the job id, so a job resumed by another process continues the same trace: the
/// submission, each run of the job and, under a run, each activity with its storage and model calls.
/// </summary>
public static class DarkroomTelemetry
{
    public const string Name = "Darkroom";

    public static readonly ActivitySource Source = new(Name, "1.0");

    public static readonly Meter Meter = new(Name, "1.0");

    /// <summary>Each activity's run time, tagged <c>darkroom.activity</c> and <c>darkroom.outcome</c>.</summary>
    public static readonly Histogram<double> ActivityDuration = Meter.CreateHistogram<double>("darkroom.activity.duration", "ms", "Time one activity (a job's stage) took");

    /// <summary>One run of a job's workflow, tagged <c>darkroom.operation</c> and <c>darkroom.status</c>.</summary>
    public static readonly Histogram<double> JobRunDuration = Meter.CreateHistogram<double>("darkroom.job.run.duration", "ms", "Time one run of a job's workflow took");

    /// <summary>One forward pass, tagged <c>darkroom.model</c> and <c>darkroom.provider</c>.</summary>
    public static readonly Histogram<double> ModelRunDuration = Meter.CreateHistogram<double>("darkroom.model.run.duration", "ms", "Time one model forward pass took (waiting for the model excluded)");

    public static readonly Counter<long> JobsSubmitted = Meter.CreateCounter<long>("darkroom.jobs.submitted", "{job}", "Jobs accepted, tagged darkroom.operation");

    public static readonly Counter<long> CreditsReserved = Meter.CreateCounter<long>("darkroom.credits.reserved", "{credit}", "Credits reserved by accepted work, tagged darkroom.operation");

    /// <summary>Classify cache look-ups, tagged <c>darkroom.cache.hit</c> (true or false): the hit rate is hits over all.</summary>
    public static readonly Counter<long> ClassifyCacheLookups = Meter.CreateCounter<long>("darkroom.classify.cache.lookups", "{lookup}", "Classify cache look-ups, tagged darkroom.cache.hit");

    /// <summary>Answers one tenant got from another's classification (after uploading the same bytes): remote calls avoided.</summary>
    public static readonly Counter<long> ClassifySharedHits = Meter.CreateCounter<long>("darkroom.classify.shared_hits", "{lookup}", "Classify answers taken from the cache shared across tenants");

    /// <summary>The trace a job's spans belong to: its id is the job id (32 hex digits), its parent a fixed span of it.</summary>
    public static ActivityContext JobTrace(string jobId) =>
        new(ActivityTraceId.CreateFromString(jobId), ActivitySpanId.CreateFromString(jobId.AsSpan(16, 16)), ActivityTraceFlags.Recorded, isRemote: true);
}
