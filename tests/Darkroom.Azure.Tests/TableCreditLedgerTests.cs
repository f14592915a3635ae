using Darkroom.Core.Accounts;

namespace Darkroom.Azure.Tests;

[TestClass]
public sealed class TableCreditLedgerTests
{
    private const string Month = "2026-11";

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task ReserveThenCommit_Repeated_ChargesOnce()
    {
        TableCreditLedger ledger = await LedgerAsync();

        Assert.AreEqual(ReserveStatus.Reserved, (await ledger.ReserveAsync(Request("job1", credits: 3), TestContext.CancellationToken)).Status);
        Assert.AreEqual(ReserveStatus.AlreadyReserved, (await ledger.ReserveAsync(Request("job1", credits: 3), TestContext.CancellationToken)).Status);
        Assert.IsTrue(await ledger.SettleAsync("t1", Month, "job1", LedgerKinds.Commit, TestContext.CancellationToken));
        Assert.IsFalse(await ledger.SettleAsync("t1", Month, "job1", LedgerKinds.Commit, TestContext.CancellationToken), "a replayed commit changes nothing");
        Assert.IsFalse(await ledger.SettleAsync("t1", Month, "job1", LedgerKinds.Release, TestContext.CancellationToken), "a committed job cannot be refunded");

        LedgerBalance balance = await ledger.GetAsync("t1", Month, 10, TestContext.CancellationToken);
        Assert.AreEqual((10L, 0L, 3L, 0, 7L), (balance.Granted, balance.Reserved, balance.Spent, balance.Active, balance.Available));
        Assert.AreEqual(new OperationUsage(1, 1, 0, 3), balance.Operations["remove-background"]);
        CollectionAssert.AreEquivalent(
            new[] { "reward:", "reserve:job1", "commit:job1" },
            (await ledger.EntriesAsync("t1", Month, TestContext.CancellationToken)).Select(e => $"{e.Kind}:{e.JobId}").ToArray());
    }

    [TestMethod]
    public async Task Release_RacingItselfAndACommit_RefundsOnce()
    {
        TableCreditLedger ledger = await LedgerAsync();
        await ledger.ReserveAsync(Request("job1", credits: 2), TestContext.CancellationToken);

        bool[] applied = await Task.WhenAll(
            Enumerable.Range(0, 6).Select(i => ledger.SettleAsync("t1", Month, "job1", i % 3 == 0 ? LedgerKinds.Commit : LedgerKinds.Release, TestContext.CancellationToken)));

        Assert.AreEqual(1, applied.Count(a => a), "exactly one settlement wins");
        LedgerBalance balance = await ledger.GetAsync("t1", Month, 10, TestContext.CancellationToken);
        Assert.AreEqual(0, balance.Reserved);
        Assert.AreEqual(0, balance.Active);
        Assert.AreEqual(10, balance.Available + balance.Spent, "credits are either spent or back, never both or neither");
        Assert.AreEqual(2, (await ledger.EntriesAsync("t1", Month, TestContext.CancellationToken)).Count(e => e.Kind is LedgerKinds.Reserve or LedgerKinds.Reward));
        Assert.AreEqual(1, (await ledger.EntriesAsync("t1", Month, TestContext.CancellationToken)).Count(e => e.Kind is LedgerKinds.Commit or LedgerKinds.Release));
    }

    [TestMethod]
    public async Task Reserve_ParallelSubmissions_CannotOverdraw()
    {
        TableCreditLedger ledger = await LedgerAsync();

        ReserveOutcome[] outcomes = await Task.WhenAll(
            Enumerable.Range(0, 20).Select(i => ledger.ReserveAsync(Request($"job{i}", credits: 1, grant: 5), TestContext.CancellationToken)));

        Assert.AreEqual(5, outcomes.Count(o => o.Status == ReserveStatus.Reserved));
        Assert.AreEqual(15, outcomes.Count(o => o.Status == ReserveStatus.InsufficientCredits));
        LedgerBalance balance = await ledger.GetAsync("t1", Month, 5, TestContext.CancellationToken);
        Assert.AreEqual((5L, 0L, 5), (balance.Reserved, balance.Available, balance.Active));
        Assert.AreEqual(1, (await ledger.EntriesAsync("t1", Month, TestContext.CancellationToken)).Count(e => e.Kind == LedgerKinds.Reward), "one monthly grant, however many callers raced to make it");
    }

    [TestMethod]
    public async Task Reserve_AtTheConcurrencyLimit_IsRefusedUntilAJobSettles()
    {
        TableCreditLedger ledger = await LedgerAsync();

        Assert.AreEqual(ReserveStatus.Reserved, (await ledger.ReserveAsync(Request("job1", maxActive: 1), TestContext.CancellationToken)).Status);
        Assert.AreEqual(ReserveStatus.TooManyActive, (await ledger.ReserveAsync(Request("job2", maxActive: 1), TestContext.CancellationToken)).Status);
        await ledger.SettleAsync("t1", Month, "job1", LedgerKinds.Release, TestContext.CancellationToken);
        Assert.AreEqual(ReserveStatus.Reserved, (await ledger.ReserveAsync(Request("job2", maxActive: 1), TestContext.CancellationToken)).Status);
    }

    [TestMethod]
    public async Task Months_AreSeparateLedgersWithTheirOwnGrant()
    {
        TableCreditLedger ledger = await LedgerAsync();
        await ledger.ReserveAsync(Request("job1", credits: 4, grant: 4), TestContext.CancellationToken);
        await ledger.SettleAsync("t1", Month, "job1", LedgerKinds.Commit, TestContext.CancellationToken);

        Assert.AreEqual(ReserveStatus.InsufficientCredits, (await ledger.ReserveAsync(Request("job2", grant: 4), TestContext.CancellationToken)).Status);
        Assert.AreEqual(ReserveStatus.Reserved, (await ledger.ReserveAsync(Request("job2", grant: 4) with { Month = "2026-12" }, TestContext.CancellationToken)).Status);
        Assert.AreEqual(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), BillingMonth.ResetAt(Month));
        Assert.AreEqual(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), BillingMonth.ResetAt("2026-12"));
    }

    private async Task<TableCreditLedger> LedgerAsync() =>
        new(await Storage.FreshAsync(TestContext.CancellationToken), TimeProvider.System);

    private static ReserveRequest Request(string jobId, long credits = 1, long grant = 10, int maxActive = 100) =>
        new("t1", Month, jobId, "remove-background", credits, grant, maxActive);
}
