using Microsoft.Extensions.Options;

namespace Darkroom.Server.Tests;

/// <summary>Nested configuration is validated when the server starts, not when a request first meets it.</summary>
[TestClass]
public sealed class OptionsAtStartTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow("Darkroom:Auth:Plans:free:RequestsPerMinute", "0", "RequestsPerMinute")]
    [DataRow("Darkroom:Auth:Plans:pro:MaxConcurrentJobs", "-3", "MaxConcurrentJobs")]
    [DataRow("Darkroom:Auth:Plans:basic:MaxUploadBytes", "0", "MaxUploadBytes")]
    [DataRow("Darkroom:Auth:Costs:classify", "-1", "Costs:classify")]
    [DataRow("Darkroom:Classify:Remote:Flavor", "bogus", "Flavor")]
    [DataRow("Darkroom:Retention:CheckpointsAfter", "-1.00:00:00", "CheckpointsAfter")]
    public async Task BadNestedOption_StopsTheStart_NamingIt(string key, string value, string named)
    {
        OptionsValidationException refused = await Assert.ThrowsExactlyAsync<OptionsValidationException>(
            () => DarkroomHost.StartAsync(DarkroomHost.NewPrefix(), TestContext.CancellationToken, new() { ["Darkroom:Inference:Preload"] = "", [key] = value }));

        StringAssert.Contains(refused.Message, named);
    }
}
