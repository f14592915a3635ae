using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Darkroom.Server.Tests;

/// <summary>A real HTTP server on loopback that serves images (with a lying Content-Type), redirects, errors and a slow or endless body.</summary>
internal sealed class ImageServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ImageServer(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public int Requests;

    /// <param name="redirectTo">Where <c>/redirect</c> sends the client (another server's URL, say).</param>
    public static async Task<ImageServer> StartAsync(byte[] image, CancellationToken cancellationToken, string? redirectTo = null)
    {
        int port = FreePort.Next();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        WebApplication app = builder.Build();
        var server = new ImageServer(app, $"http://127.0.0.1:{port}");
        app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref server.Requests);
            await next(context);
        });

        // The bytes are a photo; the header says text, which the service must not believe either way.
        app.MapGet("/photos/cat.jpg", () => Results.Bytes(image, "text/plain"));
        app.MapGet("/redirect", () => Results.Redirect(redirectTo ?? "/photos/cat.jpg"));
        app.MapGet("/missing.jpg", () => Results.NotFound());
        app.MapGet("/huge.jpg", async (HttpContext context) =>
        {
            byte[] chunk = new byte[1 << 20];
            for (int i = 0; i < 64 && !context.RequestAborted.IsCancellationRequested; i++)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        });
        app.MapGet("/slow.jpg", async (HttpContext context) =>
        {
            await context.Response.Body.WriteAsync(image.AsMemory(0, 100), context.RequestAborted);
            await Task.Delay(TimeSpan.FromMinutes(5), context.RequestAborted);
        });
        app.MapGet("/text.txt", () => Results.Text("not an image at all", "image/jpeg"));
        await app.StartAsync(cancellationToken);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
