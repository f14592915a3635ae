using Darkroom.Core.Errors;
using Darkroom.Core.Workflow;

namespace Darkroom.Core.Tests;

[TestClass]
public sealed class ActivityFailureTests
{
    private static readonly JobError Awkward = new("image.corrupt", "Bad file: the JPEG scan ends early.\nSecond line: 'quoted' \"too\"", 422);

    /// <summary>What the Durable host middleware does to a failure's text: split at the first ": ", keep one line.</summary>
    private static IEnumerable<string> HostMangled(string message)
    {
        int colon = message.IndexOf(": ", StringComparison.Ordinal);
        string before = colon < 0 ? message : message[..colon];
        string after = colon < 0 ? message : message[(colon + 2)..];
        yield return before.Split('\n')[0];
        yield return after.Split('\n')[0];
    }

    [TestMethod]
    public void Encoded_HasNoColonSpaceNorNewline_AndSurvivesTheHostsTrimming()
    {
        string wire = ActivityFailure.Encode(Awkward);

        Assert.DoesNotContain(": ", wire);
        Assert.DoesNotContain("\n", wire);
        string[] reported = [wire, $"Darkroom.Core.Workflow.ActivityFailedException: {wire}", $"Activity failed: {wire}\n   at Darkroom.Stack.Frame()"];
        foreach (string text in reported)
        {
            string kept = HostMangled(text).First(t => t.Contains("darkroom-error.", StringComparison.Ordinal));
            Assert.AreEqual(Awkward, ActivityFailure.Decode(kept), $"from '{kept}'");
            ActivityFailedException failure = ActivityFailure.FromMessage("Validate", kept);
            Assert.AreEqual((422, "image.corrupt"), (failure.Error.Status, failure.Error.Code));
        }
    }

    [TestMethod]
    public void Untagged_Or_Damaged_IsAnInternalError_AndRetryable()
    {
        Assert.IsNull(ActivityFailure.Decode("System.IO.IOException: disk full"));
        Assert.IsNull(ActivityFailure.Decode("darkroom-error.%%%"));
        Assert.AreEqual(500, ActivityFailure.FromMessage("Segment", "boom: x").Error.Status);
        Assert.IsTrue(ActivityFailure.IsRetryable("System.IO.IOException: disk full"));
    }

    [TestMethod]
    public void RetryRule_NeverRetries4xx_RetriesServerFaults()
    {
        Assert.IsFalse(ActivityFailure.IsRetryable(ActivityFailure.Encode(Awkward)));
        Assert.IsFalse(ActivityFailure.IsRetryable("x: " + ActivityFailure.Encode(new JobError("rate.limited", "later", 429))));
        Assert.IsTrue(ActivityFailure.IsRetryable(ActivityFailure.Encode(new JobError("model.unavailable", "loading: wait", 503))));
        Assert.IsTrue(ActivityFailure.IsRetryable(ActivityFailure.Encode(new JobError("internal.error", "x", 500))));
    }

    [TestMethod]
    public async Task Wrap_PutsTheWireFormInTheMessage()
    {
        ActivityFailedException thrown = await Assert.ThrowsExactlyAsync<ActivityFailedException>(
            () => ActivityFailure.Wrap<int>("Validate", () => throw new DarkroomException(Awkward.Code, Awkward.Status, Awkward.Message)));

        Assert.AreEqual(Awkward, ActivityFailure.Decode(thrown.Message));
    }
}
