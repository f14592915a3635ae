using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Darkroom.Core.Jobs;
using NetVips;

namespace Darkroom.Server.Tests;

[TestClass]
public sealed class RemoveWatermarkApiTests
{
    private static DarkroomHost s_host = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context) =>
        s_host = await DarkroomHost.StartAsync(DarkroomHost.NewPrefix(), context.CancellationToken, new() { ["Darkroom:Inference:Preload"] = "" });

    [ClassCleanup]
    public static async Task StopAsync() => await s_host.DisposeAsync();

    [TestMethod]
    public async Task RemoveWatermark_AutoMask_CleansTheTextAndLeavesTheRestUntouched()
    {
        CancellationToken ct = TestContext.CancellationToken;
        (byte[] png, Image clean, byte[] truth) = TestImages.Watermarked(TestImages.Coffee);
        using Image _ = clean;

        HttpResponseMessage response = await s_host.Client.PostAsync("/api/v1/remove-watermark", DarkroomHost.Form(png, "coffee.png"), ct);

        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        using Image result = Image.NewFromBuffer(await response.Content.ReadAsByteArrayAsync(ct));
        using Image marked = Image.NewFromBuffer(png);
        double before = TestImages.PsnrInside(marked, clean, truth), after = TestImages.PsnrInside(result, clean, truth);
        TestContext.WriteLine($"PSNR inside the watermark: {before:0.0} dB before, {after:0.0} dB after");
        Assert.IsGreaterThan(before + 8, after);
        using Image away = (result.Crop(0, 0, 200, 150) - marked.Crop(0, 0, 200, 150)).Abs();
        Assert.AreEqual(0, away.Max(), "pixels far from the watermark are byte-identical in a PNG result");
    }

    [TestMethod]
    public async Task RemoveWatermark_UploadedMask_AndMaskOutput_ReturnTheMaskUsed()
    {
        CancellationToken ct = TestContext.CancellationToken;
        (byte[] png, Image clean, byte[] truth) = TestImages.Watermarked(TestImages.Cat);
        using Image _ = clean;
        using Image mask = MaskImage(truth, clean.Width, clean.Height);
        using MultipartFormDataContent form = DarkroomHost.Form(png, "cat.png", """{"output":"mask","dilate":0}""");
        form.Add(File(mask.PngsaveBuffer()), "mask", "mask.png");

        HttpResponseMessage response = await s_host.Client.PostAsync("/api/v1/remove-watermark", form, ct);

        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        using Image returned = Image.NewFromBuffer(await response.Content.ReadAsByteArrayAsync(ct));
        Assert.AreEqual(1, returned.Bands);
        using Image difference = (returned - mask).Abs();
        Assert.AreEqual(0, difference.Max());
    }

    [TestMethod]
    public async Task RemoveWatermark_Job_SaysPerRegionWhatWasDone()
    {
        CancellationToken ct = TestContext.CancellationToken;
        (byte[] png, Image clean, byte[] truth) = TestImages.Watermarked(TestImages.Cat, opacity: 0.5);
        using Image _ = clean;

        // The mark's own mask, and a second region far from it where there is no mark at all.
        byte[] withEmpty = (byte[])truth.Clone();
        for (int y = 20; y < 50; y++)
        {
            Array.Fill(withEmpty, (byte)255, (y * clean.Width) + 20, 40);
        }

        using Image mask = MaskImage(withEmpty, clean.Width, clean.Height);
        using MultipartFormDataContent form = DarkroomHost.WithOperation(DarkroomHost.Form(png, "cat.png", """{"model":"telea"}"""), "remove-watermark");
        form.Add(File(mask.PngsaveBuffer()), "mask", "mask.png");

        HttpResponseMessage submitted = await s_host.Client.PostAsync("/api/v1/jobs", form, ct);
        Assert.AreEqual(HttpStatusCode.Accepted, submitted.StatusCode, await submitted.Content.ReadAsStringAsync(ct));
        JobView job = (await submitted.Content.ReadFromJsonAsync<JobView>(Json.Options, ct))!;
        JobView done = await s_host.WaitForAsync(job.Id, j => j.Status is JobStatus.Completed or JobStatus.Failed, ct);

        Assert.AreEqual(JobStatus.Completed, done.Status, done.Error?.Message);
        IReadOnlyList<WatermarkRegion> regions = done.Result!.Regions!;
        TestContext.WriteLine(string.Join("\n", regions));
        WatermarkRegion[] text = [.. regions.Where(r => r.Top > clean.Height / 2)];
        Assert.IsNotEmpty(text);
        foreach (WatermarkRegion word in text)
        {
            Assert.AreEqual(WatermarkRegion.Deblended, word.Action);
            Assert.AreEqual(0.5, word.Opacity!.Value, 0.06, "the mark's opacity, estimated");
            Assert.IsTrue(word.Colour!.All(c => c >= 240), "a white mark");
            Assert.IsGreaterThan(word.Filled + word.Untouched, word.Recovered);
        }

        WatermarkRegion empty = regions.Single(r => r.Top < clean.Height / 2);
        Assert.IsTrue(empty.Left <= 20 && empty.Top <= 20 && empty.Left + empty.Width >= 60 && empty.Top + empty.Height >= 50 && empty.Width <= 50, $"the box of what was masked (grown by the dilation): {empty}");
        Assert.AreEqual(WatermarkRegion.UntouchedAction, empty.Action, "no mark under the second region: nothing done there");
        Assert.IsNull(empty.Opacity);
    }

    public static IEnumerable<object[]> BadMasks =>
    [
        ["another aspect", Blank(100, 100, 255), 422, "mask.size_mismatch"],
        ["empty", Blank(451, 300, 0), 422, "mask.empty"],
        ["everything", Blank(451, 300, 255), 422, "mask.covers_everything"],
        ["not an image", TestImages.Text, 415, "mask.invalid"],
    ];

    [TestMethod]
    [DynamicData(nameof(BadMasks))]
    public async Task RemoveWatermark_BadMask_IsAProblem_AndStoresNothing(string what, byte[] mask, int status, string code)
    {
        CancellationToken ct = TestContext.CancellationToken;
        (int blobsBefore, int jobsBefore) = await s_host.CountStoredAsync(ct);
        using MultipartFormDataContent form = DarkroomHost.Form(TestImages.Photo(TestImages.Cat), "cat.jpg");
        form.Add(File(mask), "mask", "mask.png");

        HttpResponseMessage response = await s_host.Client.PostAsync("/api/v1/remove-watermark", form, ct);

        Assert.AreEqual(status, (int)response.StatusCode, what);
        Assert.AreEqual(code, await JobsApiTests.CodeOfAsync(response, ct), what);
        Assert.AreEqual((blobsBefore, jobsBefore), await s_host.CountStoredAsync(ct), $"{what} left something in storage");
    }

    [TestMethod]
    public async Task RemoveWatermark_WithABackgroundPart_IsRequestInvalid()
    {
        CancellationToken ct = TestContext.CancellationToken;
        using MultipartFormDataContent form = DarkroomHost.Form(TestImages.Photo(TestImages.Cat), "cat.jpg", background: TestImages.Photo(TestImages.Coffee));

        HttpResponseMessage response = await s_host.Client.PostAsync("/api/v1/remove-watermark", form, ct);

        Assert.AreEqual(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.AreEqual("request.invalid", await JobsApiTests.CodeOfAsync(response, ct));
    }

    [TestMethod]
    public async Task RemoveObject_MethodFill_CopiesTheSurroundingTexture()
    {
        CancellationToken ct = TestContext.CancellationToken;
        // An opaque block over the cat's striped fur: nothing to de-blend, so it must be filled.
        using Image cat = Image.NewFromBuffer(TestImages.Photo(TestImages.Cat)).ExtractBand(0, n: 3);
        using Image block = TestImages.Box(cat.Width, cat.Height, 40, 60, 50, 40);
        using Image covered = (block > 0).Ifthenelse(new double[] { 255, 0, 255 }, cat).Cast(Enums.BandFormat.Uchar);
        using MultipartFormDataContent form = DarkroomHost.Form(covered.PngsaveBuffer(), "cat.png", """{"method":"fill","model":"exemplar","dilate":0}""");
        form.Add(File(block.PngsaveBuffer()), "mask", "mask.png");

        HttpResponseMessage response = await s_host.Client.PostAsync("/api/v1/remove-watermark", form, ct);

        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        using Image result = Image.NewFromBuffer(await response.Content.ReadAsByteArrayAsync(ct));
        byte[] mask = block.WriteToMemory<byte>();
        double psnr = TestImages.PsnrInside(result, cat, mask);
        using Image inside = result.Crop(45, 65, 40, 30);
        double deviation = inside.Deviate();
        TestContext.WriteLine($"PSNR in the filled block {psnr:0.0} dB; deviation inside {deviation:0.0}");
        Assert.IsGreaterThan(18, psnr, "the fur is back, not magenta");
        Assert.IsGreaterThan(6, deviation, "texture, not a flat smear");
        using Image away = (result - covered).Abs() * (1 - (block / 255));
        Assert.AreEqual(0, away.Max(), "pixels outside the mask are byte-identical");
    }

    private static Image MaskImage(byte[] mask, int width, int height) => Image.NewFromMemory(mask, width, height, 1, Enums.BandFormat.Uchar);

    private static byte[] Blank(int width, int height, double value) =>
        (Image.Black(width, height) + value).Cast(Enums.BandFormat.Uchar).PngsaveBuffer();

    private static ByteArrayContent File(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }
}
