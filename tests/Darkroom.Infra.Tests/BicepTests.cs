using System.Diagnostics;
using System.Reflection;

namespace Darkroom.Infra.Tests;

/// <summary>infra/main.bicep builds and lints with the Bicep CLI restored from NuGet: no errors, no warnings.</summary>
[TestClass]
public sealed class BicepTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow("build", "--stdout")]
    [DataRow("lint", "")]
    public async Task MainBicep_IsClean(string verb, string extra)
    {
        string main = Path.Combine(RepoPaths.RepoRoot, "infra", "main.bicep");

        (int exitCode, string output) = await RunBicepAsync(TestContext.CancellationToken, verb, main, extra);

        Assert.AreEqual(0, exitCode, output);
        Assert.DoesNotContain("Warning", output, output);
        Assert.DoesNotContain("Error", output, output);
    }

    [TestMethod]
    public async Task MainBicep_DeclaresTheGpuProfileAndAFunctionApp()
    {
        string main = Path.Combine(RepoPaths.RepoRoot, "infra", "main.bicep");

        (_, string json) = await RunBicepAsync(TestContext.CancellationToken, "build", main, "--stdout");

        StringAssert.Contains(json, "Consumption-GPU-NC8as-T4");
        StringAssert.Contains(json, "functionapp");
        StringAssert.Contains(json, "\"allowSharedKeyAccess\": false");
    }

    [TestMethod]
    public async Task FunctionApp_HasStartupLivenessAndReadinessProbes_OnTheHealthRoutes()
    {
        string main = Path.Combine(RepoPaths.RepoRoot, "infra", "main.bicep");

        (_, string json) = await RunBicepAsync(TestContext.CancellationToken, "build", main, "--stdout");

        foreach (string type in new[] { "Startup", "Liveness", "Readiness" })
        {
            StringAssert.Contains(json, $"\"type\": \"{type}\"");
        }

        StringAssert.Contains(json, "\"path\": \"/api/v1/health/ready\"");
        StringAssert.Contains(json, "\"path\": \"/api/v1/health/live\"");
    }

    [TestMethod]
    public async Task MainBicep_WiresBlobDrop_ThroughAnEventGridSystemTopic_ToTheBlobDropFunction()
    {
        string main = Path.Combine(RepoPaths.RepoRoot, "infra", "main.bicep");

        (_, string json) = await RunBicepAsync(TestContext.CancellationToken, "build", main, "--stdout");

        StringAssert.Contains(json, "Microsoft.EventGrid/systemTopics");
        StringAssert.Contains(json, "Microsoft.Storage.StorageAccounts");
        StringAssert.Contains(json, "Microsoft.Storage.BlobCreated");
        StringAssert.Contains(json, "/blobServices/default/containers/inbox/");
        StringAssert.Contains(json, "/runtime/webhooks/blobs?functionName=Host.Functions.BlobDrop&code=");
        StringAssert.Contains(json, "\"AzureWebJobsSecretStorageType\"");
        StringAssert.Contains(json, "blobs_extension");
    }

    private static async Task<(int ExitCode, string Output)> RunBicepAsync(CancellationToken cancellationToken, params string[] args)
    {
        string folder = typeof(BicepTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPackageFolder").Value!;
        var start = new ProcessStartInfo(Path.Combine(folder, "tools", "bicep"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args.Where(a => a.Length > 0))
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }
}
