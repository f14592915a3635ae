using Darkroom.Core.Jobs;
using Darkroom.Core.Ports;

namespace Darkroom.Azure.Tests;

[TestClass]
public sealed class StorageWorkQueueTests
{
    private static readonly string Job1 = JobIds.New(DateTimeOffset.UtcNow);

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task Receive_HidesTheMessageUntilReleased()
    {
        var queue = new StorageWorkQueue(await Storage.FreshAsync(TestContext.CancellationToken));
        await queue.EnqueueAsync(new WorkItem("t", Job1), TestContext.CancellationToken);

        WorkLease? lease = await queue.ReceiveAsync(TimeSpan.FromMinutes(1), TestContext.CancellationToken);
        WorkLease? whileLeased = await queue.ReceiveAsync(TimeSpan.FromMinutes(1), TestContext.CancellationToken);
        await queue.ReleaseAsync(lease!, TestContext.CancellationToken);
        WorkLease? again = await queue.ReceiveAsync(TimeSpan.FromMinutes(1), TestContext.CancellationToken);

        Assert.AreEqual(new WorkItem("t", Job1), lease!.Item);
        Assert.IsNull(whileLeased);
        Assert.AreEqual(2, again!.DequeueCount);
    }

    [TestMethod]
    public async Task Renew_ThenComplete_RemovesTheMessage()
    {
        var queue = new StorageWorkQueue(await Storage.FreshAsync(TestContext.CancellationToken));
        await queue.EnqueueAsync(new WorkItem("t", Job1), TestContext.CancellationToken);

        WorkLease lease = (await queue.ReceiveAsync(TimeSpan.FromSeconds(30), TestContext.CancellationToken))!;
        WorkLease renewed = await queue.RenewAsync(lease, TimeSpan.FromSeconds(30), TestContext.CancellationToken);
        await queue.CompleteAsync(renewed, TestContext.CancellationToken);

        Assert.AreNotEqual(lease.PopReceipt, renewed.PopReceipt);
        Assert.IsNull(await queue.ReceiveAsync(TimeSpan.FromSeconds(1), TestContext.CancellationToken));
    }

    [TestMethod]
    public async Task DeadLetter_MovesTheItemToThePoisonQueue()
    {
        StorageClients clients = await Storage.FreshAsync(TestContext.CancellationToken);
        var queue = new StorageWorkQueue(clients);
        await queue.EnqueueAsync(new WorkItem("t", Job1), TestContext.CancellationToken);

        await queue.DeadLetterAsync((await queue.ReceiveAsync(TimeSpan.FromSeconds(30), TestContext.CancellationToken))!, TestContext.CancellationToken);

        Assert.IsNull(await queue.ReceiveAsync(TimeSpan.FromSeconds(1), TestContext.CancellationToken));
        global::Azure.Storage.Queues.QueueClient poison = clients.Queue(StorageNames.Poison(clients.JobQueueName));
        Assert.AreEqual(1, (await poison.GetPropertiesAsync(TestContext.CancellationToken)).Value.ApproximateMessagesCount);
    }

    [TestMethod]
    public async Task Receive_NotAWorkItem_SetsItAsideRaw_AndSaysWhy()
    {
        StorageClients clients = await Storage.FreshAsync(TestContext.CancellationToken);
        var queue = new StorageWorkQueue(clients);
        await clients.Queue(clients.JobQueueName).SendMessageAsync("hello-not-json", TestContext.CancellationToken);

        PoisonMessageException poisoned = await Assert.ThrowsExactlyAsync<PoisonMessageException>(
            () => queue.ReceiveAsync(TimeSpan.FromSeconds(30), TestContext.CancellationToken));

        Assert.AreEqual("not JSON", poisoned.Reason);
        Assert.IsNull(await queue.ReceiveAsync(TimeSpan.FromSeconds(1), TestContext.CancellationToken));
        global::Azure.Storage.Queues.QueueClient poison = clients.Queue(StorageNames.Poison(clients.JobQueueName));
        Assert.AreEqual("hello-not-json", (await poison.ReceiveMessageAsync(cancellationToken: TestContext.CancellationToken)).Value.Body.ToString());
    }
}
