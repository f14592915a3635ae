using Darkroom.Core.Options;
using Darkroom.Imaging;
using Microsoft.Extensions.Logging.Abstractions;
using NetVips;

namespace Darkroom.Inference.Tests;

/// <summary>
/// The LaMa adapter's plumbing on tests/data/models/tiny-lama.onnx: a generated model with LaMa's signature
/// that fills holes with mid-grey (make_tiny_lama.py beside it). The real LaMa cannot be downloaded here.
/// </summary>
[TestClass]
public sealed class LamaInpainterTests
{
    private const string TinyLamaSha256 = "fd6f1ffd8d8c179696895400be422e1df95175ebbb9000e68be3ee2862c9d0c0";

    private static ModelSessions s_sessions = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static void Load(TestContext _)
    {
        ModelSpec lama = Models.Catalog.Get("lama") with { Id = "tiny-lama", File = "tiny-lama.onnx", Sha256 = TinyLamaSha256, OutputScale = 255 };
        Microsoft.Extensions.Options.IOptions<InferenceOptions> options = Microsoft.Extensions.Options.Options.Create(new InferenceOptions { ModelDirectory = Path.Combine(RepoPaths.RepoRoot, "tests", "data", "models") });
        s_sessions = new ModelSessions(new ModelCatalog([lama]), options, NullLogger<ModelSessions>.Instance);
    }

    [ClassCleanup]
    public static void Unload() => s_sessions.Dispose();

    [TestMethod]
    [DataRow(HdStrategy.Crop)]
    [DataRow(HdStrategy.Resize)]
    [DataRow(HdStrategy.Original)]
    public async Task Inpaint_FillsInsideTheMaskOnly(HdStrategy strategy)
    {
        using Image photo = Image.NewFromBuffer(TestImages.Photo(TestImages.Coffee));
        using Image box = TestImages.Box(photo.Width, photo.Height, 300, 200, 120, 60);
        byte[] mask = box.WriteToMemory<byte>();

        using Image result = await new LamaInpainter(s_sessions, NullLogger<LamaInpainter>.Instance).InpaintAsync(photo, mask, strategy, "tiny-lama", TestContext.CancellationToken);

        Assert.AreEqual(photo.Width, result.Width);
        Assert.AreEqual(photo.Height, result.Height);
        double[] core = result.Crop(330, 215, 60, 30).Stats().Getpoint(4, 0); // column 4 = mean over all bands
        Assert.AreEqual(128, core[0], 3, "the stand-in model's grey, through normalisation, scaling and output scale");
        using Image outside = (result - photo).Abs() * (1 - (box / 255));
        Assert.AreEqual(0, outside.Max(), "pixels outside the mask are byte-identical");
    }

    [TestMethod]
    public void IsInstalled_AFileMatchingTheCatalog_IsTrue()
    {
        var lama = new LamaInpainter(s_sessions, NullLogger<LamaInpainter>.Instance);

        Assert.IsNull(lama.Problem("tiny-lama"));
        Assert.IsTrue(lama.IsInstalled("tiny-lama"));
    }

    /// <summary>The same generated file described wrongly by the catalog: each mismatch is found at the check, and LaMa is then not offered.</summary>
    [TestMethod]
    [DataRow("input", "no input 'img'")]
    [DataRow("mask", "no input 'holes'")]
    [DataRow("output", "no output 'result'")]
    [DataRow("size", "not [1, 3, 256, 256]")]
    [DataRow("range", "output range does not match")]
    public void IsInstalled_AFileTheCatalogDescribesWrongly_IsFalse_WithTheReason(string wrong, string expected)
    {
        ModelSpec good = s_sessions.Catalog.Get("tiny-lama");
        ModelSpec bad = wrong switch
        {
            "input" => good with { Input = good.Input with { Name = "img" } },
            "mask" => good with { ExtraInputs = ["holes"] },
            "output" => good with { Output = "result" },
            "size" => good with { Input = good.Input with { Width = 256, Height = 256 } },
            _ => good with { OutputScale = 1 },
        };
        using ModelSessions sessions = new(
            new ModelCatalog([bad]),
            Microsoft.Extensions.Options.Options.Create(new InferenceOptions { ModelDirectory = Path.Combine(RepoPaths.RepoRoot, "tests", "data", "models") }),
            NullLogger<ModelSessions>.Instance);
        var lama = new LamaInpainter(sessions, NullLogger<LamaInpainter>.Instance);

        string? problem = lama.Problem("tiny-lama");

        TestContext.WriteLine(problem);
        Assert.IsNotNull(problem);
        Assert.Contains(expected, problem);
        Assert.IsFalse(lama.IsInstalled("tiny-lama"));
    }

    [TestMethod]
    public void IsInstalled_MissingFile_IsFalse()
    {
        var lama = new LamaInpainter(Models.Sessions(), NullLogger<LamaInpainter>.Instance);

        Assert.IsFalse(lama.IsInstalled("lama"), "the production LaMa is not downloadable here");
    }
}
