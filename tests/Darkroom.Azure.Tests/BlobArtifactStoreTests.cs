using Darkroom.Core.Ports;

namespace Darkroom.Azure.Tests;

[TestClass]
public sealed class BlobArtifactStoreTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task PutThenGet_ReturnsTheBytesAndContentType()
    {
        var store = new BlobArtifactStore(await Storage.FreshAsync(TestContext.CancellationToken));
        byte[] bytes = TestImages.Photo(TestImages.Cat);

        await store.PutAsync("uploads/t/j/source", bytes, "image/jpeg", TestContext.CancellationToken);
        byte[]? read = await store.GetAsync("uploads/t/j/source", TestContext.CancellationToken);
        await using ArtifactStream? stream = await store.OpenReadAsync("uploads/t/j/source", TestContext.CancellationToken);

        CollectionAssert.AreEqual(bytes, read);
        Assert.AreEqual("image/jpeg", stream!.ContentType);
        Assert.AreEqual(bytes.LongLength, stream.Length);
    }

    [TestMethod]
    public async Task Get_Missing_IsNull()
    {
        var store = new BlobArtifactStore(await Storage.FreshAsync(TestContext.CancellationToken));

        Assert.IsNull(await store.GetAsync("results/t/none", TestContext.CancellationToken));
        Assert.IsNull(await store.OpenReadAsync("results/t/none", TestContext.CancellationToken));
    }

    [TestMethod]
    public async Task DeletePrefix_RemovesOnlyThatJob()
    {
        var store = new BlobArtifactStore(await Storage.FreshAsync(TestContext.CancellationToken));
        await store.PutAsync("work/t/a/matte.png", new byte[] { 1 }, "image/png", TestContext.CancellationToken);
        await store.PutAsync("work/t/a/other", new byte[] { 2 }, "image/png", TestContext.CancellationToken);
        await store.PutAsync("work/t/ab/matte.png", new byte[] { 3 }, "image/png", TestContext.CancellationToken);

        int deleted = await store.DeletePrefixAsync("work", ArtifactPaths.JobPrefix("t", "a"), TestContext.CancellationToken);

        Assert.AreEqual(2, deleted);
        Assert.IsTrue(await store.ExistsAsync("work/t/ab/matte.png", TestContext.CancellationToken));
    }
}
