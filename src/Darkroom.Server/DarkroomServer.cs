using Darkroom.Api;
using Darkroom.Api.Telemetry;
using Darkroom.Core.Ports;
using Darkroom.Server.Runner;

namespace Darkroom.Server;

/// <summary>The self-hosted Darkroom: the HTTP API and the local durable runner in one process.</summary>
public static class DarkroomServer
{
    /// <param name="configure">Lets tests add configuration (ports, storage) before the services are built.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        MemoryReturn.TuneAllocator();
        // The console's static files are copied beside the binaries, so it is served whatever the working directory.
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        configure?.Invoke(builder);

        builder.Services.AddDarkroom();
        builder.Services.AddDarkroomTelemetry(builder.Configuration, prometheus: builder.Configuration.GetValue($"{Api.Telemetry.TelemetrySetup.Section}:Prometheus", true));
        builder.Services.AddOptions<RunnerOptions>().BindConfiguration(RunnerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IWorkQueue, Azure.StorageWorkQueue>();
        builder.Services.AddSingleton<IJobStarter, QueueJobStarter>();
        builder.Services.AddSingleton<LocalWorkflowRunner>();
        builder.Services.AddSingleton<WorkInFlight>();
        builder.Services.AddHostedService<QueueWorker>();
        builder.Services.AddHostedService<MemoryReturn>();
        builder.Services.AddHostedService<QueueDepth>();
        builder.Services.AddHostedService<InboxPoller>();

        WebApplication app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapDarkroomApi();
        app.MapDarkroomMetrics();
        return app;
    }
}
