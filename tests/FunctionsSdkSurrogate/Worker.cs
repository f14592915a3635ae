// Compile-only surrogate (see the .csproj): signatures from Azure/azure-functions-dotnet-worker's public source
// (Worker 2.1.0, Worker.Extensions.Abstractions, Extensions.Http.AspNetCore 2.0.1, Extensions.Storage.Blobs 6.6.1).
#pragma warning disable CA1019, CA1813, CA1711, CA1716, CA1720
namespace Microsoft.Azure.Functions.Worker
{
    /// <summary>Marks a method as a function; the name must be unique across the app.</summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    public sealed class FunctionAttribute : Attribute
    {
        public FunctionAttribute(string name) => Name = name;

        public string Name { get; }
    }

    public abstract class BindingAttribute : Attribute
    {
    }

    public abstract class InputBindingAttribute : BindingAttribute
    {
    }

    public abstract class TriggerBindingAttribute : BindingAttribute
    {
    }

    public enum AuthorizationLevel
    {
        Anonymous = 0,
        User,
        Function,
        System,
        Admin,
    }

    [AttributeUsage(AttributeTargets.Parameter)]
    public sealed class HttpTriggerAttribute : TriggerBindingAttribute
    {
        public HttpTriggerAttribute()
        {
        }

        public HttpTriggerAttribute(params string[] methods) => Methods = methods;

        public HttpTriggerAttribute(AuthorizationLevel authLevel) => AuthLevel = authLevel;

        public HttpTriggerAttribute(AuthorizationLevel authLevel, params string[] methods)
        {
            AuthLevel = authLevel;
            Methods = methods;
        }

        public string? Route { get; set; }

        public string[]? Methods { get; }

        public AuthorizationLevel AuthLevel { get; }
    }

    public enum BlobTriggerSource
    {
        LogsAndContainerScan,
        EventGrid,
    }

    [AttributeUsage(AttributeTargets.Parameter)]
    public sealed class BlobTriggerAttribute : TriggerBindingAttribute
    {
        public BlobTriggerAttribute(string blobPath) => BlobPath = blobPath;

        public string BlobPath { get; }

        public string? Connection { get; set; }

        public BlobTriggerSource Source { get; set; }
    }

    [AttributeUsage(AttributeTargets.Parameter)]
    public sealed class ActivityTriggerAttribute : TriggerBindingAttribute
    {
    }

    [AttributeUsage(AttributeTargets.Parameter)]
    public sealed class OrchestrationTriggerAttribute : TriggerBindingAttribute
    {
    }

    [AttributeUsage(AttributeTargets.Parameter)]
    public sealed class DurableClientAttribute : InputBindingAttribute
    {
        public string? TaskHub { get; set; }

        public string? ConnectionName { get; set; }
    }

    /// <summary>The invocation's context (abstract in the SDK; the members functions/ uses).</summary>
    public abstract class FunctionContext
    {
        public abstract string InvocationId { get; }

        public abstract string FunctionId { get; }

        public abstract IServiceProvider InstanceServices { get; set; }

        public abstract IDictionary<object, object> Items { get; set; }

        public virtual CancellationToken CancellationToken { get; } = CancellationToken.None;
    }
}

namespace Microsoft.Azure.Functions.Worker.Builder
{
    using Microsoft.Extensions.Configuration;
    using Microsoft.Extensions.DependencyInjection;
    using Microsoft.Extensions.Hosting;

    public class FunctionsApplication
    {
        public static FunctionsApplicationBuilder CreateBuilder(string[] args) => throw Surrogate.NotTheSdk();
    }

    public class FunctionsApplicationBuilder
    {
        internal FunctionsApplicationBuilder()
        {
        }

        public IServiceCollection Services => throw Surrogate.NotTheSdk();

        public IConfigurationManager Configuration => throw Surrogate.NotTheSdk();

        public IHostEnvironment Environment => throw Surrogate.NotTheSdk();

        public IHost Build() => throw Surrogate.NotTheSdk();
    }
}

namespace Microsoft.Extensions.Hosting
{
    using Microsoft.Azure.Functions.Worker.Builder;

    public static class FunctionsApplicationBuilderAspNetCoreExtensions
    {
        public static FunctionsApplicationBuilder ConfigureFunctionsWebApplication(this FunctionsApplicationBuilder builder) => throw Surrogate.NotTheSdk();
    }
}

internal static class Surrogate
{
    public static NotSupportedException NotTheSdk() =>
        new("This is a compile-only surrogate of the Azure Functions / DurableTask SDK surface; it never runs.");
}
