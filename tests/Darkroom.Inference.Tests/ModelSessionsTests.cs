using Darkroom.Core.Errors;

namespace Darkroom.Inference.Tests;

[TestClass]
public sealed class ModelSessionsTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task GetAsync_FileWithWrongHash_IsModelUnavailable()
    {
        ModelSpec real = Models.Catalog.Get("ppocr-v4-det");
        var catalog = new ModelCatalog([real with { Id = "tampered", Sha256 = new string('0', 64) }]);
        using ModelSessions sessions = Models.Sessions(catalog);

        DarkroomException ex = await Assert.ThrowsExactlyAsync<DarkroomException>(() => sessions.GetAsync("tampered", TestContext.CancellationToken));

        Assert.AreEqual(ErrorCodes.ModelUnavailable, ex.Code);
        StringAssert.Contains(ex.Message, "not the catalog");
    }

    [TestMethod]
    public async Task GetAsync_MissingFile_IsModelUnavailableAndSaysWhatToRun()
    {
        ModelSpec real = Models.Catalog.Get("ppocr-v4-det");
        var catalog = new ModelCatalog([real with { Id = "missing", File = "no-such-model.onnx" }]);
        using ModelSessions sessions = Models.Sessions(catalog);

        DarkroomException ex = await Assert.ThrowsExactlyAsync<DarkroomException>(() => sessions.GetAsync("missing", TestContext.CancellationToken));

        Assert.AreEqual(503, ex.Status);
        StringAssert.Contains(ex.Message, "setup");
    }

    [TestMethod]
    public async Task GetAsync_SameModelTwice_CreatesOneSession()
    {
        using ModelSessions sessions = Models.Sessions();

        LoadedModel first = await sessions.GetAsync("ppocr-v4-det", TestContext.CancellationToken);
        LoadedModel second = await sessions.GetAsync("ppocr-v4-det", TestContext.CancellationToken);

        Assert.AreSame(first.Session, second.Session);
    }

    [TestMethod]
    public async Task GetAsync_CudaOnCpuBuild_FallsBackToCpuAndSaysWhy()
    {
        using ModelSessions sessions = Models.Sessions(executionProvider: "cuda");

        LoadedModel model = await sessions.GetAsync("ppocr-v4-det", TestContext.CancellationToken);

        Assert.AreEqual("cpu", model.Provider);
        Assert.AreEqual("cuda", sessions.Provider.Requested);
        Assert.IsNotNull(sessions.Provider.FallbackReason);
    }

    [TestMethod]
    [DataRow("auto", 0)]
    [DataRow("cuda", 1)]
    public async Task GetAsync_OnACpuBuild_AsksWhichProvidersExist_AndWarnsOnlyWhenCudaWasAskedFor(string requested, int warnings)
    {
        var log = new Recorded();
        using ModelSessions sessions = new(Models.Catalog, Models.Options(requested), log);

        await sessions.GetAsync("ppocr-v4-det", TestContext.CancellationToken);

        StringAssert.Contains(sessions.Provider.FallbackReason, "no CUDA execution provider");
        Assert.AreEqual(warnings, log.Entries.Count(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning), string.Join("; ", log.Entries));
        Assert.IsFalse(log.Entries.Any(e => e.Message.Contains("entry point", StringComparison.OrdinalIgnoreCase)), "no entry-point failure is provoked");
    }

    private sealed class Recorded : Microsoft.Extensions.Logging.ILogger<ModelSessions>
    {
        public List<(Microsoft.Extensions.Logging.LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }

    [TestMethod]
    public void Get_UnknownModel_IsOptionsInvalid() =>
        Assert.AreEqual(ErrorCodes.OptionsInvalid, Assert.ThrowsExactly<DarkroomException>(() => Models.Catalog.Get("nope")).Code);
}
