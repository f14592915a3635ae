using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Darkroom.Core.Jobs;

namespace Darkroom.Server.Tests;

/// <summary>
/// The server as its own process, killed with SIGKILL while a job segments: nothing gets to shut down cleanly, the
/// job's queue lease is left to run out, and the next server must pick the job up within 45 s of the kill.
/// Runs with the production runner settings (lease, poll interval), not the tests' shortened ones.
/// </summary>
[TestClass]
public sealed class KillTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task ServerKilledDuringSegment_RestartedServerResumesTheJob_Within45Seconds()
    {
        CancellationToken ct = TestContext.CancellationToken;
        string prefix = DarkroomHost.NewPrefix();

        string jobId;
        Stopwatch sinceKill;
        using (ServerProcess first = await ServerProcess.StartAsync(prefix, ct))
        {
            HttpResponseMessage submitted = await first.Client.PostAsync("/api/v1/jobs", DarkroomHost.Form(TestImages.Photo(TestImages.Astronaut)), ct);
            Assert.AreEqual(HttpStatusCode.Accepted, submitted.StatusCode, await submitted.Content.ReadAsStringAsync(ct));
            jobId = (await submitted.Content.ReadFromJsonAsync<JobView>(Json.Options, ct))!.Id;

            JobView inSegment = await WaitForAsync(first.Client, jobId, j => j.Stage == JobStage.Segment || j.Status.IsFinal(), ct);
            Assert.AreEqual(JobStage.Segment, inSegment.Stage, "the job should be segmenting when the server is killed");
            first.Kill();
            sinceKill = Stopwatch.StartNew();
        }

        using ServerProcess second = await ServerProcess.StartAsync(prefix, ct);
        TestContext.WriteLine($"second server answering {sinceKill.Elapsed.TotalSeconds:0.0} s after the kill");
        JobView resumed = await WaitForAsync(second.Client, jobId, j => j.Runs >= 2 || j.Status.IsFinal(), ct);
        double resumedAfter = sinceKill.Elapsed.TotalSeconds;
        JobView done = await WaitForAsync(second.Client, jobId, j => j.Status.IsFinal(), ct);
        TestContext.WriteLine($"picked up again {resumedAfter:0.0} s after the kill; completed after {sinceKill.Elapsed.TotalSeconds:0.0} s; runs {done.Runs}");

        Assert.AreEqual(2, resumed.Runs, "the job was picked up by the second server");
        Assert.IsLessThanOrEqualTo(45, resumedAfter, "an interrupted job resumes within 45 s of its process dying");
        Assert.AreEqual(JobStatus.Completed, done.Status, done.Error?.Message + second.Output);
        Assert.AreEqual(2, done.Runs);
    }

    private static async Task<JobView> WaitForAsync(HttpClient client, string jobId, Func<JobView, bool> until, CancellationToken ct)
    {
        for (DateTime deadline = DateTime.UtcNow.AddSeconds(120); ; await Task.Delay(20, ct))
        {
            JobView job = (await client.GetFromJsonAsync<JobView>($"/api/v1/jobs/{jobId}", Json.Options, ct))!;
            if (until(job) || DateTime.UtcNow > deadline)
            {
                return job;
            }
        }
    }

    /// <summary>Darkroom.Server.dll from the test's own output, run by <c>dotnet</c> as a child process.</summary>
    private sealed class ServerProcess : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private ServerProcess(Process process, HttpClient client)
        {
            _process = process;
            Client = client;
            _process.OutputDataReceived += (_, e) => Append(e.Data);
            _process.ErrorDataReceived += (_, e) => Append(e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public HttpClient Client { get; }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public static async Task<ServerProcess> StartAsync(string prefix, CancellationToken ct)
        {
            int port = FreePort.Next();
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = AppContext.BaseDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Darkroom.Server.dll"));
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add($"http://127.0.0.1:{port}");
            start.Environment["DOTNET_ENVIRONMENT"] = "Development";
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
            start.Environment["Darkroom__Storage__ConnectionString"] = AzuriteForTests.ConnectionString;
            start.Environment["Darkroom__Storage__Prefix"] = prefix;
            start.Environment["Darkroom__Inference__ModelDirectory"] = RepoPaths.Models;
            start.Environment["Darkroom__Auth__Plans__pro__RequestsPerMinute"] = "1000000";
            start.Environment["Logging__LogLevel__Default"] = "Warning";
            if (Darkroom.Inference.NativeHeap.InstalledJemalloc() is { } jemalloc)
            {
                // As run.sh starts the server where jemalloc is installed.
                start.Environment["LD_PRELOAD"] = jemalloc;
                start.Environment["MALLOC_CONF"] = Darkroom.Inference.NativeHeap.JemallocSettings;
            }

            var server = new ServerProcess(Process.Start(start)!, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) });
            server.Client.DefaultRequestHeaders.Add("X-API-Key", DarkroomHost.DevelopmentKey);
            for (DateTime deadline = DateTime.UtcNow.AddSeconds(90); ; await Task.Delay(100, ct))
            {
                if (server._process.HasExited || DateTime.UtcNow > deadline)
                {
                    string output = server.Output;
                    server.Dispose();
                    Assert.Fail("the server process did not start answering:\n" + output);
                }

                try
                {
                    using HttpResponseMessage live = await server.Client.GetAsync("/api/v1/health/live", ct);
                    if (live.IsSuccessStatusCode)
                    {
                        return server;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
            }
        }

        /// <summary>SIGKILL: no shutdown hooks, no lease handed back.</summary>
        public void Kill()
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                Kill();
            }

            _process.Dispose();
            Client.Dispose();
        }

        private void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
