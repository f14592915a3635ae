using Darkroom.Core.Ports;

namespace Darkroom.Azure.Tests;

[TestClass]
public sealed class TableCheckpointStoreTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task Record_SameSequenceTwice_FirstWriterWins()
    {
        var store = new TableCheckpointStore(await Storage.FreshAsync(TestContext.CancellationToken));
        DateTimeOffset now = DateTimeOffset.UtcNow;

        Checkpoint first = await store.RecordAsync("job", new Checkpoint(0, "Validate", "{\"a\":1}", null, "run1", now), TestContext.CancellationToken);
        Checkpoint second = await store.RecordAsync("job", new Checkpoint(0, "Validate", "{\"a\":2}", null, "run2", now), TestContext.CancellationToken);

        Assert.AreEqual("run1", first.RunId);
        Assert.AreEqual("run1", second.RunId);
        Assert.AreEqual("{\"a\":1}", second.ResultJson);
    }

    [TestMethod]
    public async Task Load_ReturnsCallsInOrder_AndDeleteRemovesThem()
    {
        var store = new TableCheckpointStore(await Storage.FreshAsync(TestContext.CancellationToken));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        for (int i = 11; i >= 0; i--)
        {
            await store.RecordAsync("job", new Checkpoint(i, $"A{i}", "{}", null, "run", now), TestContext.CancellationToken);
        }

        IReadOnlyList<Checkpoint> loaded = await store.LoadAsync("job", TestContext.CancellationToken);
        await store.DeleteAsync("job", TestContext.CancellationToken);

        CollectionAssert.AreEqual(Enumerable.Range(0, 12).ToArray(), loaded.Select(c => c.Sequence).ToArray());
        Assert.IsEmpty(await store.LoadAsync("job", TestContext.CancellationToken));
    }
}
