using Darkroom.Core.Jobs;

namespace Darkroom.Core.Tests;

[TestClass]
public sealed class JobIdsTests
{
    [TestMethod]
    public void New_LaterJob_SortsFirst()
    {
        var now = new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

        string earlier = JobIds.New(now);
        string later = JobIds.New(now.AddMilliseconds(1));

        Assert.IsLessThan(0, string.CompareOrdinal(later, earlier));
    }

    [TestMethod]
    public void New_IsValidAndUnique()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        string a = JobIds.New(now), b = JobIds.New(now);

        Assert.IsTrue(JobIds.IsValid(a));
        Assert.AreNotEqual(a, b);
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("../../etc/passwd")]
    [DataRow("FE5DFB64604DBEA9AF6A8FC47676FA95")]
    public void IsValid_Rejects(string id) => Assert.IsFalse(JobIds.IsValid(id));
}
