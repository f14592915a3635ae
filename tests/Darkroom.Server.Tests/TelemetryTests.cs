using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Darkroom.Core.Jobs;
using Darkroom.Core.Workflow;
using OpenTelemetry.Trace;

namespace Darkroom.Server.Tests;

/// <summary>
/// Traces and metrics of one job, captured by OpenTelemetry's in-memory exporter inside the real server: one trace
/// whose id is the job id, with the submission (linked to the HTTP request), the run, every activity as a child span
/// of the run, the model's forward pass under segment and storage calls under the activities; and the Prometheus
/// scrape endpoint serving Darkroom's metrics.
/// </summary>
[TestClass]
public sealed class TelemetryTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task OneJob_IsOneTrace_WithEveryActivityAsAChildOfTheRun()
    {
        CancellationToken ct = TestContext.CancellationToken;
        var spans = new List<Activity>();
        await using DarkroomHost host = await DarkroomHost.StartAsync(
            DarkroomHost.NewPrefix(), ct, services: s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)));

        HttpResponseMessage submitted = await host.Client.PostAsync("/api/v1/jobs?wait=60", DarkroomHost.Form(TestImages.Photo(TestImages.Cat)), ct);
        Assert.AreEqual(HttpStatusCode.OK, submitted.StatusCode, await submitted.Content.ReadAsStringAsync(ct));
        JobView job = (await submitted.Content.ReadFromJsonAsync<JobView>(Json.Options, ct))!;
        Assert.AreEqual(JobStatus.Completed, job.Status);
        // The run span ends (and is exported) a moment after the job record says completed: settle runs after persist.
        List<Activity> trace = [];
        for (DateTime deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(100, ct))
        {
            lock (spans)
            {
                trace = [.. spans.Where(s => s.TraceId.ToHexString() == job.Id)];
            }

            if (trace.Any(s => s.DisplayName == "job.run"))
            {
                break;
            }
        }

        foreach (Activity span in trace.OrderBy(s => s.StartTimeUtc))
        {
            TestContext.WriteLine($"{span.DisplayName} {span.SpanId} parent {span.ParentSpanId} {span.Duration.TotalMilliseconds:0} ms");
        }

        Activity submit = trace.Single(s => s.DisplayName == "job.submit");
        Activity request;
        lock (spans)
        {
            request = spans.Single(s => s.Kind == ActivityKind.Server && s.GetTagItem("darkroom.job.id") as string == job.Id);
        }

        Assert.AreEqual(request.Context.SpanId, submit.Links.Single().Context.SpanId, "the submission links to the HTTP request that made it");
        Activity run = trace.Single(s => s.DisplayName == "job.run");
        string[] expected = [ActivityNames.Validate, ActivityNames.Subject, ActivityNames.Segment, ActivityNames.Compose, ActivityNames.Persist, ActivityNames.Settle];
        foreach (string name in expected.Select(n => "activity " + n))
        {
            Activity activity = trace.Single(s => s.DisplayName == name);
            Assert.AreEqual(run.SpanId, activity.ParentSpanId, $"{name} is a child of the run");
        }

        Activity segment = trace.Single(s => s.DisplayName == "activity " + ActivityNames.Segment);
        Activity model = trace.Single(s => s.DisplayName == "model.run isnet");
        Assert.AreEqual(segment.SpanId, model.ParentSpanId, "the forward pass is under segment");
        Assert.IsTrue(trace.Any(s => s.ParentSpanId == segment.SpanId && s.DisplayName != model.DisplayName), "storage calls show under the activity that made them");
    }

    [TestMethod]
    public async Task Prometheus_ServesDarkroomsMetrics()
    {
        CancellationToken ct = TestContext.CancellationToken;
        await using DarkroomHost host = await DarkroomHost.StartAsync(DarkroomHost.NewPrefix(), ct);
        HttpResponseMessage done = await host.Client.PostAsync("/api/v1/remove-background", DarkroomHost.Form(TestImages.Photo(TestImages.Cat)), ct);
        Assert.AreEqual(HttpStatusCode.OK, done.StatusCode);

        string metrics = await host.Client.GetStringAsync("/metrics", ct);

        foreach (string name in new[] { "darkroom_activity_duration_milliseconds_bucket", "darkroom_model_run_duration_milliseconds_count", "darkroom_jobs_submitted_total", "darkroom_credits_reserved_total", "darkroom_job_run_duration_milliseconds_count", "http_server_request_duration_seconds_count" })
        {
            StringAssert.Contains(metrics, name);
        }

        StringAssert.Contains(metrics, $"darkroom_activity=\"{ActivityNames.Segment}\"");
    }
}
