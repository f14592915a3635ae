using Darkroom.Api;
using Darkroom.Api.Endpoints;
using Darkroom.Api.Telemetry;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

FunctionsApplicationBuilder builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();

// The same registration the server uses (upload body limits included); jobs start through the Durable client bound to each trigger.
builder.Services.AddDarkroom();
builder.Services.AddDarkroomTelemetry(builder.Configuration, prometheus: false);
builder.Services.AddSingleton<ApiServices>();

builder.Build().Run();
