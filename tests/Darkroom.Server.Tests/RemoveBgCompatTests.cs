using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using NetVips;

namespace Darkroom.Server.Tests;

/// <summary>
/// remove.bg's own request set, as its API reference documents it (form fields, urlencoded, JSON with base64, the
/// X-Api-Key header, Accept: application/json), sent unmodified to /api/v1.0/removebg and to /v1.0/removebg; the answers
/// are checked for remove.bg's shapes: the image with X-Type/X-Width/X-Height/X-Credits-Charged/X-Foreground-*, the
/// {"data":{"result_b64"}} JSON, and {"errors":[{"title"}]} with 400/403.
/// </summary>
[TestClass]
public sealed class RemoveBgCompatTests
{
    private static DarkroomHost s_host = null!;
    private static ImageServer s_images = null!;
    private static HttpClient s_removeBg = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        s_host = await DarkroomHost.StartAsync(DarkroomHost.NewPrefix(), context.CancellationToken, new() { ["Darkroom:Fetch:AllowPrivateHosts"] = "true" });
        s_images = await ImageServer.StartAsync(TestImages.Photo(TestImages.Cat), context.CancellationToken);

        // A remove.bg client: only its base URL changed; it spells the header as remove.bg does.
        s_removeBg = new HttpClient { BaseAddress = new Uri(s_host.Client.BaseAddress!, "/api/v1.0/"), Timeout = TimeSpan.FromMinutes(3) };
        s_removeBg.DefaultRequestHeaders.Add("X-Api-Key", DarkroomHost.DevelopmentKey);
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        s_removeBg.Dispose();
        await s_host.DisposeAsync();
        await s_images.DisposeAsync();
    }

    [TestMethod]
    public async Task ImageFile_SizeAuto_AnswersAPngWithRemoveBgsHeaders()
    {
        CancellationToken ct = TestContext.CancellationToken;
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(TestImages.Photo(TestImages.Cat)), "image_file", "file.jpg" },
            { new StringContent("auto"), "size" },
        };

        HttpResponseMessage response = await s_removeBg.PostAsync("removebg", form, ct);

        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        Assert.AreEqual("image/png", response.Content.Headers.ContentType!.MediaType);
        string Header(string name) => response.Headers.GetValues(name).Single();
        Assert.AreEqual("451", Header("X-Width"));
        Assert.AreEqual("300", Header("X-Height"));
        Assert.AreEqual("photo", Header("X-Type"));
        Assert.AreEqual("1", Header("X-Credits-Charged"));
        Assert.IsTrue(int.Parse(Header("X-Foreground-Width"), System.Globalization.CultureInfo.InvariantCulture) > 100);
        using Image cutout = Image.NewFromBuffer(await response.Content.ReadAsByteArrayAsync(ct));
        Assert.AreEqual(4, cutout.Bands);
    }

    [TestMethod]
    public async Task ImageUrl_Preview_WithBgColour_AnswersAJpegAtPreviewSize_OnTheBareRouteToo()
    {
        CancellationToken ct = TestContext.CancellationToken;
        using Image big = Image.NewFromBuffer(TestImages.Photo(TestImages.Cat)).Resize(2.5);
        await using ImageServer bigServer = await ImageServer.StartAsync(big.JpegsaveBuffer(), ct);
        using var form = new MultipartFormDataContent
        {
            { new StringContent(bigServer.BaseUrl + "/photos/cat.jpg"), "image_url" },
            { new StringContent("preview"), "size" },
            { new StringContent("81d4fa"), "bg_color" },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(s_host.Client.BaseAddress!, "/v1.0/removebg")) { Content = form };
        request.Headers.Add("X-Api-Key", DarkroomHost.DevelopmentKey);

        HttpResponseMessage response = await s_host.Client.SendAsync(request, ct);

        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        Assert.AreEqual("image/jpeg", response.Content.Headers.ContentType!.MediaType, "format auto: opaque results are JPEG");
        using Image result = Image.NewFromBuffer(await response.Content.ReadAsByteArrayAsync(ct));
        Assert.IsLessThanOrEqualTo(250_000L, (long)result.Width * result.Height);
        double[] corner = result.Getpoint(result.Width - 2, 2);
        Assert.AreEqual(0x81, corner[0], 12, "the background is bg_color");
        Assert.AreEqual(0xfa, corner[2], 12);
    }

    [TestMethod]
    public async Task JsonBody_WithBase64_AndAcceptJson_AnswersResultB64AndTheForeground()
    {
        CancellationToken ct = TestContext.CancellationToken;
        string body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["image_file_b64"] = Convert.ToBase64String(TestImages.Photo(TestImages.Cat)),
            ["size"] = "full",
            ["format"] = "png",
            ["crop"] = true,
            ["crop_margin"] = "10px",
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, "removebg") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        HttpResponseMessage response = await s_removeBg.SendAsync(request, ct);

        string text = await response.Content.ReadAsStringAsync(ct);
        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, text);
        Assert.AreEqual("application/json", response.Content.Headers.ContentType!.MediaType);
        using JsonDocument json = JsonDocument.Parse(text);
        JsonElement data = json.RootElement.GetProperty("data");
        using Image cutout = Image.NewFromBuffer(Convert.FromBase64String(data.GetProperty("result_b64").GetString()!));
        int width = data.GetProperty("foreground_width").GetInt32();
        Assert.IsTrue(width > 100);
        Assert.AreEqual(Math.Min(451, width + 20), cutout.Width, 21, "cropped to the foreground with its margin");
    }

    [TestMethod]
    public async Task UrlEncodedForm_TypeProduct_ChannelsAlpha_AnswersTheMatte()
    {
        CancellationToken ct = TestContext.CancellationToken;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["image_url"] = s_images.BaseUrl + "/photos/cat.jpg",
            ["type"] = "product",
            ["channels"] = "alpha",
            ["semitransparency"] = "true",
        });

        HttpResponseMessage response = await s_removeBg.PostAsync("removebg", form, ct);

        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        Assert.AreEqual("product", response.Headers.GetValues("X-Type").Single());
        using Image matte = Image.NewFromBuffer(await response.Content.ReadAsByteArrayAsync(ct));
        Assert.AreEqual(1, matte.Bands);
    }

    [TestMethod]
    [DataRow("size", "hd", "size 'hd'")]
    [DataRow("type", "car", "type 'car'")]
    [DataRow("format", "zip", "format 'zip'")]
    [DataRow("bg_color", "not-a-colour", "bg_color")]
    [DataRow("roi", "10% 10% 90% 90%", "roi")]
    [DataRow("crop_margin", "10%", "crop_margin")]
    [DataRow("shadow_type", "drop", "shadow_type")]
    public async Task WhatHasNoEquivalent_Is400_InRemoveBgsErrorShape(string field, string value, string says)
    {
        CancellationToken ct = TestContext.CancellationToken;
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(TestImages.Photo(TestImages.Cat)), "image_file", "file.jpg" },
            { new StringContent(value), field },
        };

        HttpResponseMessage response = await s_removeBg.PostAsync("removebg", form, ct);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, says, ct);
    }

    [TestMethod]
    public async Task NoOrBadKey_Is403_AndNoImage_Is400()
    {
        CancellationToken ct = TestContext.CancellationToken;
        using var anonymous = new HttpClient { BaseAddress = s_removeBg.BaseAddress };
        using var bad = new HttpClient { BaseAddress = s_removeBg.BaseAddress };
        bad.DefaultRequestHeaders.Add("X-Api-Key", "not-a-key");

        await AssertErrorAsync(await anonymous.PostAsync("removebg", new MultipartFormDataContent { { new StringContent("auto"), "size" } }, ct), HttpStatusCode.Forbidden, "API key", ct);
        await AssertErrorAsync(await bad.PostAsync("removebg", new MultipartFormDataContent { { new StringContent("auto"), "size" } }, ct), HttpStatusCode.Forbidden, "API key", ct);
        await AssertErrorAsync(await s_removeBg.PostAsync("removebg", new MultipartFormDataContent { { new StringContent("auto"), "size" } }, ct), HttpStatusCode.BadRequest, "image_file", ct);
        await AssertErrorAsync(await s_removeBg.PostAsync("removebg", new MultipartFormDataContent { { new ByteArrayContent(Encoding.ASCII.GetBytes("plain text")), "image_file", "a.jpg" } }, ct), HttpStatusCode.BadRequest, "not an image", ct);
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string says, CancellationToken ct)
    {
        string text = await response.Content.ReadAsStringAsync(ct);
        Assert.AreEqual(status, response.StatusCode, text);
        Assert.AreEqual("application/json", response.Content.Headers.ContentType!.MediaType);
        using JsonDocument json = JsonDocument.Parse(text);
        JsonElement error = json.RootElement.GetProperty("errors")[0];
        Assert.IsFalse(string.IsNullOrEmpty(error.GetProperty("title").GetString()));
        StringAssert.Contains(error.GetProperty("detail").GetString(), says);
    }
}
