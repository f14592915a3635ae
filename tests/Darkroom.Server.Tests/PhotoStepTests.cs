using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Darkroom.Core.Classification;
using Darkroom.Inference;
using Darkroom.Pipeline.Classification;
using NetVips;

namespace Darkroom.Server.Tests;

/// <summary>
/// The local photo step: the category rules on synthetic detections and logits, and the whole step through
/// <c>POST /api/v1/local-classify</c> on the generated stand-ins for MobileNetV2 and YOLOX
/// (tests/data/models/make_tiny_photo_models.py; the real OpenCV-zoo files cannot be downloaded here).
/// </summary>
[TestClass]
public sealed class PhotoStepTests
{
    private static DarkroomHost s_imageNetOnly = null!;
    private static DarkroomHost s_both = null!;
    private static string s_catalog = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        // The real catalog plus the stand-ins, with absolute paths to tests/data/models.
        string directory = Path.Combine(RepoPaths.RepoRoot, "tests", "data", "models");
        JsonNode catalog = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "models.catalog.json"), context.CancellationToken))!;
        JsonArray models = catalog["models"]!.AsArray();
        foreach ((string id, string from, string file, string sha) in new[]
        {
            ("tiny-imagenet", "mobilenetv2", "tiny-imagenet.onnx", "01d471844f44754b2b8feb48d23c17a32ee6bad3d2d035004b5c073ddc6be8ca"),
            ("tiny-yolox", "yolox", "tiny-yolox.onnx", "f99bb9dc22125416dd1c5c5e1121b2085c11e56d94ce25bf292c75a15c384c77"),
        })
        {
            JsonNode entry = models.First(m => (string?)m!["id"] == from)!.DeepClone();
            entry["id"] = id;
            entry["file"] = Path.Combine(directory, file);
            entry["sha256"] = sha;
            entry.AsObject().Remove("bytes");
            models.Add(entry);
        }

        s_catalog = Path.Combine(Path.GetTempPath(), $"darkroom-photo-catalog-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(s_catalog, catalog.ToJsonString(), context.CancellationToken);
        Dictionary<string, string?> settings = new()
        {
            ["Darkroom:Inference:Preload"] = "",
            ["Darkroom:Inference:CatalogPath"] = s_catalog,
            ["Darkroom:Classify:ImageNetModel"] = "tiny-imagenet",
            ["Darkroom:Classify:DetectorModel"] = "yolox",   // in the catalog, not installed here
        };
        s_imageNetOnly = await DarkroomHost.StartAsync(DarkroomHost.NewPrefix(), context.CancellationToken, settings);
        settings["Darkroom:Classify:DetectorModel"] = "tiny-yolox";
        s_both = await DarkroomHost.StartAsync(DarkroomHost.NewPrefix(), context.CancellationToken, settings);
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        await s_imageNetOnly.DisposeAsync();
        await s_both.DisposeAsync();
        File.Delete(s_catalog);
    }

    [TestMethod]
    [DataRow(250, 10, 10, Categories.Foods)]          // the stand-in's "pizza"
    [DataRow(10, 250, 10, Categories.TravelScenery)]  // "lakeside"
    [DataRow(10, 10, 250, Categories.Pets)]           // "tabby cat"
    public async Task ImageNetOnly_DecidesFromTheClassGroups(int r, int g, int b, string expected)
    {
        ClassificationView view = await LocalClassifyAsync(s_imageNetOnly, Plain(r, g, b));

        Assert.AreEqual(expected, view.Category, view.Description);
        Assert.AreEqual("tiny-imagenet", view.Model);
        Assert.IsGreaterThanOrEqualTo(0.6, view.Confidence);
        Assert.AreEqual(ClassifyMethods.Local, view.Method);
        StringAssert.StartsWith(view.Steps.Single(s => s.Step == "photo").Outcome, expected);
    }

    [TestMethod]
    public async Task AnUnsurePhoto_PassesOnToOther()
    {
        // Mid-grey: every logit near zero, no group holds the probability.
        ClassificationView view = await LocalClassifyAsync(s_imageNetOnly, Plain(125, 118, 105));

        Assert.AreEqual(Categories.Other, view.Category, view.Description);
        StringAssert.Contains(view.Steps.Single(s => s.Step == "photo").Outcome, "passed");
    }

    [TestMethod]
    public async Task WithTheDetector_ThePersonDecides()
    {
        // The stand-in detector always sees one person (0.855), a smaller cat and a dog; the person is the subject.
        ClassificationView view = await LocalClassifyAsync(s_both, Plain(250, 10, 10));

        Assert.AreEqual(Categories.SinglePerson, view.Category, view.Description);
        Assert.AreEqual(0.855, view.Confidence, 0.01);
        Assert.AreEqual("tiny-yolox+tiny-imagenet", view.Model);
    }

    [TestMethod]
    public async Task CutOut_WithTheDetectorInstalled_NamesTheSubjectType()
    {
        CancellationToken ct = TestContext.CancellationToken;
        // The stand-in detector's largest, surest object is a person: the classify stage says so (X-Type).
        HttpResponseMessage response = await s_both.Client.PostAsync("/api/v1/remove-background", DarkroomHost.Form(TestImages.Photo(TestImages.Cat), "cat.jpg", """{"size":"preview"}"""), ct);

        Assert.AreEqual(System.Net.HttpStatusCode.OK, response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        Assert.AreEqual("person", string.Join(",", response.Headers.GetValues("X-Type")));
    }

    // --- the rules on synthetic input ---

    private static Detection Box(int classId, float score, float left, float top, float width, float height) =>
        new(classId, CocoClasses.Names[classId], score, left, top, width, height);

    /// <summary>Softmax of logits that are 0 everywhere but these classes.</summary>
    private static float[] Logits(params (int Class, float Logit)[] set)
    {
        float[] logits = new float[1000];
        foreach ((int c, float v) in set)
        {
            logits[c] = v;
        }

        return PhotoModels.Probabilities(logits);
    }

    [TestMethod]
    public void Rules_OneProminentPerson_IsSinglePerson_EvenWithSmallPeopleBehind()
    {
        (string category, double confidence, _) = PhotoContentRules.Decide([Box(0, 0.9f, 100, 50, 300, 600), Box(0, 0.7f, 700, 300, 30, 80)], null, 1000, 800)!.Value;

        Assert.AreEqual(Categories.SinglePerson, category);
        Assert.AreEqual(0.9, confidence, 1e-6);
    }

    [TestMethod]
    public void Rules_SeveralPeopleOfComparableSize_AreSocial()
    {
        (string category, double confidence, string description) = PhotoContentRules.Decide(
            [Box(0, 0.9f, 100, 100, 200, 500), Box(0, 0.8f, 400, 120, 180, 450), Box(0, 0.6f, 650, 150, 150, 400)], null, 1000, 800)!.Value;

        Assert.AreEqual(Categories.SocialActivities, category);
        Assert.AreEqual(0.85, confidence, 1e-6, "the two best people's mean score");
        StringAssert.StartsWith(description, "3 people");
    }

    [TestMethod]
    public void Rules_ADogLargerThanThePerson_IsPets()
    {
        (string category, _, _) = PhotoContentRules.Decide([Box(16, 0.8f, 100, 100, 500, 400), Box(0, 0.9f, 700, 100, 100, 300)], null, 1000, 800)!.Value;

        Assert.AreEqual(Categories.Pets, category);
    }

    [TestMethod]
    public void Rules_FoodItemsCoveringThePhoto_AreFoods()
    {
        (string category, double confidence, _) = PhotoContentRules.Decide([Box(53, 0.7f, 100, 100, 400, 300), Box(45, 0.9f, 50, 50, 600, 500)], null, 1000, 800)!.Value;

        Assert.AreEqual(Categories.Foods, category);
        Assert.AreEqual(0.7, confidence, 1e-6, "the pizza, not the bowl, is the food");
    }

    [TestMethod]
    [DataRow(975, Categories.TravelScenery)]   // lakeside
    [DataRow(839, Categories.TravelScenery)]   // suspension bridge
    [DataRow(207, Categories.Pets)]            // golden retriever
    [DataRow(283, Categories.Pets)]            // Persian cat
    [DataRow(963, Categories.Foods)]           // pizza
    [DataRow(967, Categories.Foods)]           // espresso
    public void Rules_ImageNetMass_DecidesWhenNoObjectDoes(int imageNetClass, string expected)
    {
        float[] p = Logits((imageNetClass, 10f));

        (string category, double confidence, _) = PhotoContentRules.Decide([], p, 1000, 800)!.Value;

        Assert.AreEqual(expected, category);
        Assert.IsGreaterThanOrEqualTo(p[imageNetClass], confidence, "the group's mass: the class and its group's small shares");
        Assert.AreEqual(p[imageNetClass], confidence, 0.01);
    }

    [TestMethod]
    public void Rules_SceneryUnderADominantObject_IsNotScenery_AndNothingIsNull()
    {
        float[] lakeside = Logits((975, 10f));
        Assert.IsNull(PhotoContentRules.Decide([Box(2, 0.9f, 0, 0, 800, 600)], lakeside, 1000, 800), "a car filling the photo is not a landscape");
        Assert.IsNull(PhotoContentRules.Decide([], Logits((400, 10f)), 1000, 800), "an object class (academic gown) belongs to no group");
        Assert.IsNull(PhotoContentRules.Decide(null, null, 1000, 800));
    }

    private static byte[] Plain(int r, int g, int b)
    {
        using Image plain = (Image.Black(200, 150, bands: 3) + new double[] { r, g, b }).Cast(Enums.BandFormat.Uchar);
        return plain.PngsaveBuffer();
    }

    private async Task<ClassificationView> LocalClassifyAsync(DarkroomHost host, byte[] photo)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(photo), "image", "plain.png" } };
        HttpResponseMessage response = await host.Client.PostAsync("/api/v1/local-classify", form, TestContext.CancellationToken);
        Assert.IsTrue(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.CancellationToken));
        ClassificationView view = (await response.Content.ReadFromJsonAsync<ClassificationView>(Json.Options, TestContext.CancellationToken))!;
        TestContext.WriteLine($"{view.Category} {view.Confidence} {view.Model}: {view.Description} | {string.Join(" | ", view.Steps.Select(s => $"{s.Step}: {s.Outcome}"))}");
        return view;
    }
}
