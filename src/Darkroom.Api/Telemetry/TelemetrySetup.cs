using Azure.Monitor.OpenTelemetry.Exporter;
using Darkroom.Core.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Darkroom.Api.Telemetry;

/// <summary>
/// OpenTelemetry for both hosts: Darkroom's spans and metrics (<see cref="DarkroomTelemetry"/>), ASP.NET Core and
/// HttpClient instrumentation (so storage calls show under the activity that made them), and the Azure SDK's own
/// spans. Exporters by configuration: OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or
/// <c>Darkroom:Telemetry:OtlpEndpoint</c>) is set; Azure Monitor when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is
/// (the Application Insights that infra creates); a Prometheus scrape endpoint at <c>/metrics</c> where the host maps it.
/// </summary>
public static class TelemetrySetup
{
    public const string Section = "Darkroom:Telemetry";

    public static IServiceCollection AddDarkroomTelemetry(this IServiceCollection services, IConfiguration configuration, bool prometheus)
    {
        // The Azure SDK emits spans for storage calls only when asked.
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
        string? otlp = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] ?? configuration[$"{Section}:OtlpEndpoint"];
        string? appInsights = configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
        string serviceName = configuration["OTEL_SERVICE_NAME"] ?? "darkroom";

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing =>
            {
                tracing.AddSource(DarkroomTelemetry.Name, "Azure.*")
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/metrics"))
                    // The Azure SDK's own HTTP span already stands for a storage call: no second span under it.
                    .AddHttpClientInstrumentation(o => o.FilterHttpRequestMessage = _ => System.Diagnostics.Activity.Current?.Source.Name != "Azure.Core.Http");
                if (otlp is not null)
                {
                    tracing.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
                }

                if (appInsights is not null)
                {
                    tracing.AddAzureMonitorTraceExporter(o => o.ConnectionString = appInsights);
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(DarkroomTelemetry.Name)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation();
                if (otlp is not null)
                {
                    metrics.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
                }

                if (appInsights is not null)
                {
                    metrics.AddAzureMonitorMetricExporter(o => o.ConnectionString = appInsights);
                }

                if (prometheus)
                {
                    metrics.AddPrometheusExporter();
                }
            });
        return services;
    }

    /// <summary>Maps the Prometheus scrape endpoint (<c>/metrics</c>) when <c>Darkroom:Telemetry:Prometheus</c> is not false.</summary>
    public static WebApplication MapDarkroomMetrics(this WebApplication app)
    {
        if (app.Configuration.GetValue($"{Section}:Prometheus", true))
        {
            app.MapPrometheusScrapingEndpoint();
        }

        return app;
    }
}
