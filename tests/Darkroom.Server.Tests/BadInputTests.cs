using System.Net;
using NetVips;

namespace Darkroom.Server.Tests;

[TestClass]
public sealed class BadInputTests
{
    private static DarkroomHost s_host = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context) =>
        s_host = await DarkroomHost.StartAsync(DarkroomHost.NewPrefix(), context.CancellationToken, new() { ["Darkroom:Inference:Preload"] = "" });

    [ClassCleanup]
    public static async Task StopAsync() => await s_host.DisposeAsync();

    public static IEnumerable<object[]> Cases =>
    [
        ["zero bytes", Array.Empty<byte>(), "photo.jpg", null!, 400, "image.empty"],
        ["truncated JPEG", TestImages.Truncated(TestImages.Coffee), "coffee.jpg", null!, 422, "image.corrupt"],
        ["text named .png", TestImages.Text, "photo.png", null!, 415, "image.unsupported_format"],
        ["SVG", TestImages.Svg, "drawing.svg", null!, 415, "image.unsupported_format"],
        ["60 MP PNG", SixtyMegapixelPng(), "huge.png", null!, 413, "image.too_many_pixels"],
        ["unknown option", TestImages.Photo(TestImages.Cat), "cat.jpg", """{"colour":"#ffffff"}""", 400, "options.unknown"],
        ["bad option value", TestImages.Photo(TestImages.Cat), "cat.jpg", """{"background":"blue"}""", 400, "options.invalid"],
        ["JPEG cut-out", TestImages.Photo(TestImages.Cat), "cat.jpg", """{"format":"jpeg"}""", 400, "options.invalid"],
        ["unknown model", TestImages.Photo(TestImages.Cat), "cat.jpg", """{"model":"u2net"}""", 400, "options.invalid"],
    ];

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public async Task Submit_BadInput_IsAProblemWithItsCode_AndStoresNothing(string what, byte[] image, string fileName, string? options, int status, string code)
    {
        CancellationToken ct = TestContext.CancellationToken;

        foreach (string route in new[] { "/api/v1/jobs", "/api/v1/remove-background" })
        {
            HttpResponseMessage response = await s_host.Client.PostAsync(route, DarkroomHost.Form(image, fileName, options), ct);

            Assert.AreEqual(status, (int)response.StatusCode, $"{what} on {route}: {await response.Content.ReadAsStringAsync(ct)}");
            Assert.AreEqual(code, await JobsApiTests.CodeOfAsync(response, ct), what);
        }

        Assert.AreEqual((0, 0), await s_host.CountStoredAsync(ct), $"{what} left something in storage");
    }

    [TestMethod]
    public async Task Submit_ThirtyMegabyteUpload_IsTooLarge_AndStoresNothing()
    {
        CancellationToken ct = TestContext.CancellationToken;
        byte[] big = new byte[30 * 1024 * 1024];
        TestImages.Photo(TestImages.Cat).CopyTo(big, 0);

        HttpResponseMessage response = await s_host.Client.PostAsync("/api/v1/jobs", DarkroomHost.Form(big), ct);

        Assert.AreEqual(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.AreEqual("image.too_large", await JobsApiTests.CodeOfAsync(response, ct));
        Assert.AreEqual((0, 0), await s_host.CountStoredAsync(ct));
    }

    [TestMethod]
    public async Task Submit_NoImagePart_IsImageMissing()
    {
        CancellationToken ct = TestContext.CancellationToken;
        using var form = new MultipartFormDataContent { { new StringContent("{}"), "options" } };

        HttpResponseMessage response = await s_host.Client.PostAsync("/api/v1/jobs", form, ct);

        Assert.AreEqual(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.AreEqual("image.missing", await JobsApiTests.CodeOfAsync(response, ct));
    }

    [TestMethod]
    public async Task Submit_JsonInsteadOfMultipart_SaysWhatToSend()
    {
        CancellationToken ct = TestContext.CancellationToken;

        HttpResponseMessage response = await s_host.Client.PostAsync("/api/v1/jobs", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"), ct);

        Assert.AreEqual(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.AreEqual("request.invalid", await JobsApiTests.CodeOfAsync(response, ct));
    }

    private static byte[] SixtyMegapixelPng()
    {
        using Image big = (Image.Black(10_000, 6_000) + 200).Cast(Enums.BandFormat.Uchar);
        return big.PngsaveBuffer(compression: 9);
    }
}
