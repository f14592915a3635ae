using Darkroom.Core.Errors;
using Microsoft.Extensions.Logging.Abstractions;
using NetVips;

namespace Darkroom.Inference.Tests;

/// <summary>
/// The photo step's adapters on generated models with the real ones' signatures (tests/data/models/
/// make_tiny_photo_models.py): MobileNetV2's 1x3x224x224 → 1x1000 and YOLOX's 1x3x640x640 → 1x8400x85. The real models
/// (OpenCV model zoo) cannot be downloaded here; these check preprocessing, decoding, suppression and softmax.
/// </summary>
[TestClass]
public sealed class PhotoModelsTests
{
    public const string TinyImageNetSha256 = "01d471844f44754b2b8feb48d23c17a32ee6bad3d2d035004b5c073ddc6be8ca";
    public const string TinyYoloxSha256 = "f99bb9dc22125416dd1c5c5e1121b2085c11e56d94ce25bf292c75a15c384c77";

    private static ModelSessions s_sessions = null!;

    public TestContext TestContext { get; set; } = null!;

    /// <summary>The catalog's mobilenetv2 and yolox entries pointed at the generated files (same sizes and normalisation).</summary>
    public static IEnumerable<ModelSpec> TinySpecs(ModelCatalog catalog, string directory) =>
    [
        catalog.Get("mobilenetv2") with { Id = "tiny-imagenet", File = Path.Combine(directory, "tiny-imagenet.onnx"), Sha256 = TinyImageNetSha256 },
        catalog.Get("yolox") with { Id = "tiny-yolox", File = Path.Combine(directory, "tiny-yolox.onnx"), Sha256 = TinyYoloxSha256 },
        catalog.Get("yolox") with { Id = "wrong-yolox", File = Path.Combine(directory, "tiny-imagenet.onnx"), Sha256 = TinyImageNetSha256, Input = catalog.Get("yolox").Input with { Name = "input" } },
    ];

    [ClassInitialize]
    public static void Load(TestContext _)
    {
        string directory = Path.Combine(RepoPaths.RepoRoot, "tests", "data", "models");
        s_sessions = new ModelSessions(new ModelCatalog(TinySpecs(Models.Catalog, directory)), Models.Options(), NullLogger<ModelSessions>.Instance);
    }

    [ClassCleanup]
    public static void Unload() => s_sessions.Dispose();

    [TestMethod]
    public async Task Detect_DecodesLetterboxedBoxesIntoThePhoto_AndSuppressesDuplicatesPerClass()
    {
        // 1280x960 letterboxes at ratio 0.5: a box at (x, y) in the model's square is at (2x, 2y) in the photo.
        using Image photo = Image.Black(1280, 960, bands: 3) + 90;
        using Image typed = photo.Cast(Enums.BandFormat.Uchar);

        IReadOnlyList<Detection> found = await new PhotoModels(s_sessions).DetectAsync(typed, "tiny-yolox", 0.35f, TestContext.CancellationToken);

        Assert.HasCount(3, found, string.Join("; ", found));
        Detection person = found.Single(d => d.Label == "person");
        Assert.AreEqual(0.855, person.Score, 1e-3, "objectness 0.9 x class 0.95");
        Assert.AreEqual(224, person.Left, 0.5);
        Assert.AreEqual(224, person.Top, 0.5);
        Assert.AreEqual(256, person.Width, 0.5);
        Assert.AreEqual(384, person.Height, 0.5);
        Detection cat = found.Single(d => d.Label == "cat");
        Assert.IsGreaterThan(0.3f, cat.IoU(person), "the cat overlaps the person but is another class, so it stays");
        Detection dog = found.Single(d => d.Label == "dog");
        Assert.AreEqual(968 - 80, dog.Left, 0.5, "stride-8 anchor (60, 20), centre 484 in the square");
        Assert.AreEqual(160, dog.Width, 0.5);
        Assert.IsFalse(found.Any(d => d.Label == "pizza"), "a score of 0.1 is below the threshold");
    }

    [TestMethod]
    public void Letterbox_ScalesIntoTheTopLeftAndPadsWithGrey()
    {
        using Image photo = (Image.Black(1280, 960, bands: 3) + 200).Cast(Enums.BandFormat.Uchar);

        (byte[] rgb, double ratio) = Yolox.Letterbox(photo, 640);

        Assert.AreEqual(0.5, ratio, 1e-9);
        Assert.AreEqual(200, rgb[((100 * 640) + 100) * 3], "inside the scaled photo");
        Assert.AreEqual(Yolox.PadValue, rgb[((500 * 640) + 100) * 3], "below it (480 rows of photo), the padding");
    }

    [TestMethod]
    [DataRow(255, 0, 0, 963)]
    [DataRow(0, 255, 0, 975)]
    [DataRow(0, 0, 255, 281)]
    public async Task Classify_NormalisesLikeTheCatalog_AndAppliesSoftmax(int r, int g, int b, int expectedClass)
    {
        using Image photo = (Image.Black(300, 200, bands: 3) + new double[] { r, g, b }).Cast(Enums.BandFormat.Uchar);

        float[] p = await new PhotoModels(s_sessions).ClassifyAsync(photo, "tiny-imagenet", TestContext.CancellationToken);

        // The stand-in's logits are 4 x each channel's normalised mean: work out the softmax independently.
        ModelSpec spec = s_sessions.Catalog.Get("tiny-imagenet");
        double[] logits = [.. new[] { r, g, b }.Select((v, c) => 4.0 * (v - spec.Input.Mean[c]) / spec.Input.Std[c])];
        double total = 997 + logits.Sum(Math.Exp);
        int channel = Array.IndexOf(new[] { 963, 975, 281 }, expectedClass);
        Assert.HasCount(1000, p);
        Assert.AreEqual(Math.Exp(logits[channel]) / total, p[expectedClass], 1e-3);
        Assert.AreEqual(1, p.Sum(), 1e-3);
        Assert.AreEqual(expectedClass, Array.IndexOf(p, p.Max()));
    }

    [TestMethod]
    public void Probabilities_PassesADistributionThrough_AndSoftmaxesLogits()
    {
        float[] distribution = [0.1f, 0.7f, 0.2f];
        CollectionAssert.AreEqual(distribution, PhotoModels.Probabilities(distribution));

        float[] p = PhotoModels.Probabilities([0f, 0f, (float)Math.Log(2)]);
        Assert.AreEqual(0.25, p[0], 1e-6);
        Assert.AreEqual(0.5, p[2], 1e-6);
    }

    [TestMethod]
    public async Task AFileWithTheWrongSignature_IsRefusedWithWhatItHas()
    {
        using Image photo = (Image.Black(64, 64, bands: 3) + 10).Cast(Enums.BandFormat.Uchar);

        DarkroomException refused = await Assert.ThrowsExactlyAsync<DarkroomException>(
            () => new PhotoModels(s_sessions).DetectAsync(photo, "wrong-yolox", 0.35f, TestContext.CancellationToken));

        Assert.AreEqual(ErrorCodes.ModelUnavailable, refused.Code);
        StringAssert.Contains(refused.Message, "[1, 3, 224, 224], not [1, 3, 640, 640]");
    }
}
