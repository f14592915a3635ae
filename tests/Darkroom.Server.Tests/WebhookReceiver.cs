using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Darkroom.Server.Tests;

/// <summary>A real HTTP server on loopback that records every callback and answers with the next scripted status.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _script;

    private WebhookReceiver(WebApplication app, ConcurrentQueue<int> script, string url)
    {
        _app = app;
        _script = script;
        Url = url;
    }

    public sealed record Delivery(IReadOnlyDictionary<string, string> Headers, byte[] Body, int Answered);

    public string Url { get; }

    public ConcurrentQueue<Delivery> Deliveries { get; } = new();

    /// <summary>Answers the scripted statuses in order, then 200.</summary>
    public static async Task<WebhookReceiver> StartAsync(CancellationToken cancellationToken, params int[] statuses)
    {
        int port = FreePort.Next();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        WebApplication app = builder.Build();
        var script = new ConcurrentQueue<int>(statuses);
        var receiver = new WebhookReceiver(app, script, $"http://127.0.0.1:{port}/hooks/darkroom");
        app.MapPost("/hooks/darkroom", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            int status = script.TryDequeue(out int next) ? next : 200;
            receiver.Deliveries.Enqueue(new Delivery(
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body.ToArray(), status));
            return Results.StatusCode(status);
        });
        await app.StartAsync(cancellationToken);
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
