using System.Net;
using System.Net.Http.Json;
using Darkroom.Core.Jobs;
using Darkroom.Core.Options;
using NetVips;

namespace Darkroom.Server.Tests;

/// <summary>The classify stage of a cut-out: graphics on a flat background are keyed out, photos go to the model, and the job says which.</summary>
[TestClass]
public sealed class CutoutRouteTests
{
    private static DarkroomHost s_host = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context) => s_host = await DarkroomHost.StartAsync(DarkroomHost.NewPrefix(), context.CancellationToken);

    [ClassCleanup]
    public static async Task StopAsync() => await s_host.DisposeAsync();

    [TestMethod]
    public async Task Logo_OnAFlatBackground_IsKeyed_ExactToItsEdges()
    {
        CancellationToken ct = TestContext.CancellationToken;
        using Image text = Image.Text("<b>ACME 7</b>", font: "sans 80", dpi: 72);
        using Image placed = text.Embed((600 - text.Width) / 2, (300 - text.Height) / 2, 600, 300, extend: Enums.Extend.Black);
        using Image a = placed.Cast(Enums.BandFormat.Float) / 255.0;
        using Image logo = ((a * new double[] { 200, 30, 40 }) + ((1.0 - a) * new double[] { 255, 255, 255 })).Round(Enums.OperationRound.Rint).Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
        byte[] truth = placed.Cast(Enums.BandFormat.Uchar).WriteToMemory<byte>();

        JobView done = await RunAsync(logo.PngsaveBuffer(), "logo.png", null, ct);

        Assert.AreEqual(JobStatus.Completed, done.Status, done.Error?.Message);
        CutoutSubject subject = done.Result!.Subject!;
        TestContext.WriteLine(subject.ToString());
        Assert.AreEqual(SubjectType.Graphic, subject.Type);
        Assert.AreEqual(CutoutSubject.Key, subject.Route);
        Assert.IsGreaterThanOrEqualTo(0.9, subject.Confidence, "the border is one colour and the letters a few");
        CollectionAssert.AreEqual(new[] { 255, 255, 255 }, subject.KeyColour!.ToArray());
        Assert.IsTrue(done.Timings.Any(t => t.Stage == JobStage.Subject), "the classify stage is a stage of its own");

        using Image cutout = Image.NewFromBuffer(await (await s_host.Client.GetAsync(done.Links.Result, ct)).Content.ReadAsByteArrayAsync(ct));
        byte[] alpha = cutout[3].WriteToMemory<byte>();
        (double recall, double precision) = TestImages.Overlap([.. alpha.Select(v => (byte)(v >= 128 ? 1 : 0))], [.. truth.Select(v => (byte)(v >= 128 ? 1 : 0))]);
        double error = 0;
        for (int i = 0; i < truth.Length; i++)
        {
            error += Math.Abs(alpha[i] - truth[i]);
        }

        TestContext.WriteLine($"recall {recall:0.000} precision {precision:0.000}, mean |alpha error| {error / truth.Length:0.00}");
        Assert.IsGreaterThanOrEqualTo(0.99, recall);
        Assert.IsGreaterThanOrEqualTo(0.99, precision);
        Assert.IsLessThan(0.5, error / truth.Length);

        // At the edges the cut-out's colour is the letters' red, not a pink mix with the old white background.
        byte[] rgba = cutout.WriteToMemory<byte>();
        int edge = Array.FindIndex(truth, v => v is > 60 and < 190);
        Assert.AreEqual(200, rgba[(edge * 4) + 0], 3);
        Assert.AreEqual(30, rgba[(edge * 4) + 1], 3);
    }

    [TestMethod]
    [DataRow(null, SubjectType.Photo, CutoutSubject.Model)]
    [DataRow("animal", SubjectType.Animal, CutoutSubject.Model)]
    [DataRow("graphic", SubjectType.Graphic, CutoutSubject.Key)]
    public async Task Photo_TakesTheRouteItsTypeSays(string? type, SubjectType expected, string route)
    {
        CancellationToken ct = TestContext.CancellationToken;

        JobView done = await RunAsync(TestImages.Photo(TestImages.Cat), "chelsea.jpg", type is null ? null : $$"""{"type":"{{type}}"}""", ct);

        Assert.AreEqual(JobStatus.Completed, done.Status, done.Error?.Message);
        Assert.AreEqual(expected, done.Result!.Subject!.Type);
        Assert.AreEqual(route, done.Result.Subject.Route);
        Assert.AreEqual(type is null ? done.Result.Subject.Confidence : 1, done.Result.Subject.Confidence);
        Assert.IsNull(done.Result.SecondPass, "the cat photo needs no second pass");
    }

    /// <summary>
    /// A sharp subject over a blurred photo whose own subject ISNet takes: the job runs the model again where the focus
    /// is, says so, and the cut-out keeps the sharp subject alone.
    /// </summary>
    [TestMethod]
    public async Task SharpSubjectOverABlurredCup_TheJobSaysTheFocusPassRan()
    {
        CancellationToken ct = TestContext.CancellationToken;
        (byte[] jpeg, Image mask) = TestImages.SharpOverBlurred();
        using Image known = mask;

        JobView done = await RunAsync(jpeg, "focus.jpg", null, ct);

        Assert.AreEqual(JobStatus.Completed, done.Status, done.Error?.Message);
        Assert.AreEqual(SecondPasses.Focus, done.Result!.SecondPass);
        ForegroundBox box = done.Result.Foreground!;
        TestContext.WriteLine(box.ToString());
        Assert.IsTrue(box.Left >= 830 && box.Top >= 410 && box.Left + box.Width <= 1170 && box.Top + box.Height <= 790, $"the box {box} is the ellipse's (850,430 300x340), not the cup's");
        using Image cutout = Image.NewFromBuffer(await (await s_host.Client.GetAsync(done.Links.Result, ct)).Content.ReadAsByteArrayAsync(ct));
        using Image alpha = cutout[3];
        Assert.IsGreaterThanOrEqualTo(0.95, TestImages.IoU(alpha, known));
    }

    [TestMethod]
    public async Task Avif_IsServed_WithItsAlpha()
    {
        CancellationToken ct = TestContext.CancellationToken;

        HttpResponseMessage response = await s_host.Client.PostAsync("/api/v1/remove-background", DarkroomHost.Form(TestImages.Photo(TestImages.Cat), options: """{"format":"avif"}"""), ct);

        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        Assert.AreEqual("image/avif", response.Content.Headers.ContentType!.MediaType);

        // remove.bg's response headers.
        string Header(string name) => response.Headers.GetValues(name).Single();
        Assert.AreEqual("photo", Header("X-Type"));
        Assert.AreEqual("cpu", Header("X-Darkroom-Execution-Provider"), "the provider the model actually ran on, per job");
        Assert.AreEqual("451", Header("X-Width"));
        Assert.AreEqual("300", Header("X-Height"));
        Assert.IsGreaterThan(0, int.Parse(Header("X-Credits-Charged"), System.Globalization.CultureInfo.InvariantCulture));
        int left = int.Parse(Header("X-Foreground-Left"), System.Globalization.CultureInfo.InvariantCulture), width = int.Parse(Header("X-Foreground-Width"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.IsTrue(left >= 0 && width > 100 && left + width <= 451, $"the cat's box: {left} + {width}");
        using Image cutout = Image.NewFromBuffer(await response.Content.ReadAsByteArrayAsync(ct));
        Assert.AreEqual(4, cutout.Bands);
        Assert.AreEqual(451, cutout.Width);
    }

    [TestMethod]
    public async Task Preview_WithShadowAndOverlayMark_IsSmall_AndSaysItsSize()
    {
        CancellationToken ct = TestContext.CancellationToken;
        const string options = """{"size":"preview","shadow":true,"background":"#ffffff","format":"jpeg","watermark":{"text":"Darkroom","position":"top-left","opacity":0.8,"colour":"#ff0000"}}""";
        using Image big = Image.NewFromBuffer(TestImages.Photo(TestImages.Cat)).Resize(3);   // 1353 x 900

        HttpResponseMessage response = await s_host.Client.PostAsync("/api/v1/remove-background", DarkroomHost.Form(big.JpegsaveBuffer(), options: options), ct);

        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        using Image result = Image.NewFromBuffer(await response.Content.ReadAsByteArrayAsync(ct));
        Assert.IsLessThanOrEqualTo(CutoutSizes.PreviewPixels, (long)result.Width * result.Height);
        Assert.AreEqual(result.Width.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers.GetValues("X-Width").Single());
        using Image corner = result.Crop(0, 0, result.Width / 3, result.Height / 4);
        using Image red = (corner[0] > 200) & (corner[1] < 90) & (corner[2] < 90);
        Assert.IsGreaterThan(0.005, red.Avg() / 255, "the red mark is in the top-left corner, on the white background");
    }

    [TestMethod]
    [DataRow("""{"channels":"alpha","shadow":true}""")]
    [DataRow("""{"watermark":{"text":""}}""")]
    [DataRow("""{"watermark":{"text":"x","opacity":3}}""")]
    [DataRow("""{"size":"huge"}""")]
    [DataRow("""{"channels":"alpha","background":"#000000"}""")]
    public async Task OptionsThatCannotBeHonoured_AreRefusedBeforeAnyWork(string options)
    {
        CancellationToken ct = TestContext.CancellationToken;

        HttpResponseMessage response = await s_host.Client.PostAsync("/api/v1/remove-background", DarkroomHost.Form(TestImages.Photo(TestImages.Cat), options: options), ct);

        Assert.AreEqual(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.AreEqual("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [TestMethod]
    public async Task ChannelsAlpha_AnswersTheMatteAlone()
    {
        CancellationToken ct = TestContext.CancellationToken;

        HttpResponseMessage response = await s_host.Client.PostAsync("/api/v1/remove-background", DarkroomHost.Form(TestImages.Photo(TestImages.Cat), options: """{"channels":"alpha"}"""), ct);

        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        using Image matte = Image.NewFromBuffer(await response.Content.ReadAsByteArrayAsync(ct));
        Assert.AreEqual(1, matte.Bands);
        Assert.AreEqual(451, matte.Width);
    }

    [TestMethod]
    public async Task UnknownType_IsRefused()
    {
        CancellationToken ct = TestContext.CancellationToken;

        HttpResponseMessage response = await s_host.Client.PostAsync("/api/v1/jobs", DarkroomHost.Form(TestImages.Photo(TestImages.Cat), options: """{"type":"vegetable"}"""), ct);

        Assert.AreEqual(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static async Task<JobView> RunAsync(byte[] image, string name, string? options, CancellationToken ct)
    {
        HttpResponseMessage submitted = await s_host.Client.PostAsync("/api/v1/jobs", DarkroomHost.Form(image, name, options), ct);
        Assert.AreEqual(HttpStatusCode.Accepted, submitted.StatusCode, await submitted.Content.ReadAsStringAsync(ct));
        JobView job = (await submitted.Content.ReadFromJsonAsync<JobView>(Json.Options, ct))!;
        return await s_host.WaitForAsync(job.Id, j => j.Status.IsFinal(), ct);
    }
}
