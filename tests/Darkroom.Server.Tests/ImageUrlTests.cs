using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Darkroom.Core.Jobs;
using NetVips;

namespace Darkroom.Server.Tests;

/// <summary>
/// <c>imageUrl</c>, <c>backgroundUrl</c> and <c>maskUrl</c>: fetched by the server with the webhook rules. One host lets
/// private addresses through (a loopback image server stands in for the internet); another keeps the default and
/// must refuse loopback, also when a redirect leads there.
/// </summary>
[TestClass]
public sealed class ImageUrlTests
{
    private static DarkroomHost s_open = null!;
    private static DarkroomHost s_strict = null!;
    private static ImageServer s_images = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        s_open = await DarkroomHost.StartAsync(DarkroomHost.NewPrefix(), context.CancellationToken, new() { ["Darkroom:Fetch:AllowPrivateHosts"] = "true", ["Darkroom:Fetch:TimeoutSeconds"] = "10", ["Darkroom:Imaging:MaxUploadBytes"] = "8388608" });
        s_strict = await DarkroomHost.StartAsync(DarkroomHost.NewPrefix(), context.CancellationToken);
        s_images = await ImageServer.StartAsync(TestImages.Photo(TestImages.Cat), context.CancellationToken);
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        await s_open.DisposeAsync();
        await s_strict.DisposeAsync();
        await s_images.DisposeAsync();
    }

    [TestMethod]
    public async Task ImageUrl_IsFetched_AndTheResultIsNamedAfterIt()
    {
        CancellationToken ct = TestContext.CancellationToken;
        using var form = new MultipartFormDataContent { { new StringContent(s_images.BaseUrl + "/photos/cat.jpg"), "imageUrl" }, { new StringContent("""{"background":"#00ff00","format":"jpeg"}"""), "options" } };

        HttpResponseMessage response = await s_open.Client.PostAsync("/api/v1/remove-background", form, ct);

        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        Assert.AreEqual("cat-cutout.jpg", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        using Image result = Image.NewFromBuffer(await response.Content.ReadAsByteArrayAsync(ct));
        Assert.AreEqual(451, result.Width, "the cat photo, sniffed as JPEG whatever its Content-Type said");
    }

    [TestMethod]
    public async Task RedirectsAreFollowed_WithinTheLimit()
    {
        CancellationToken ct = TestContext.CancellationToken;
        using var form = new MultipartFormDataContent { { new StringContent(s_images.BaseUrl + "/redirect"), "imageUrl" } };

        HttpResponseMessage response = await s_open.Client.PostAsync("/api/v1/jobs", form, ct);

        Assert.AreEqual(HttpStatusCode.Accepted, response.StatusCode, await response.Content.ReadAsStringAsync(ct));
    }

    [TestMethod]
    [DataRow("/missing.jpg", 422, "url.fetch_failed", "HTTP 404")]
    [DataRow("/huge.jpg", 413, "url.too_large", "limit")]
    [DataRow("/slow.jpg", 422, "url.fetch_failed", "within 10 s")]
    [DataRow("/text.txt", 415, "image.unsupported_format", "")]
    public async Task BadUrls_AreClearProblems(string path, int status, string code, string says)
    {
        CancellationToken ct = TestContext.CancellationToken;
        using var form = new MultipartFormDataContent { { new StringContent(s_images.BaseUrl + path), "imageUrl" } };

        HttpResponseMessage response = await s_open.Client.PostAsync("/api/v1/jobs", form, ct);

        string body = await response.Content.ReadAsStringAsync(ct);
        TestContext.WriteLine(body);
        Assert.AreEqual(status, (int)response.StatusCode, body);
        Assert.AreEqual("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        using JsonDocument problem = JsonDocument.Parse(body);
        Assert.AreEqual(code, problem.RootElement.GetProperty("code").GetString());
        StringAssert.Contains(problem.RootElement.GetProperty("detail").GetString(), says);
    }

    [TestMethod]
    [DataRow("ftp://example.com/a.jpg", "url.invalid")]
    [DataRow("http://user:pw@example.com/a.jpg", "url.invalid")]
    [DataRow("not a url", "url.invalid")]
    public async Task MalformedUrls_AreRefused(string url, string code)
    {
        CancellationToken ct = TestContext.CancellationToken;
        using var form = new MultipartFormDataContent { { new StringContent(url), "imageUrl" } };

        HttpResponseMessage response = await s_strict.Client.PostAsync("/api/v1/jobs", form, ct);

        Assert.AreEqual(HttpStatusCode.BadRequest, response.StatusCode);
        StringAssert.Contains(await response.Content.ReadAsStringAsync(ct), code);
    }

    [TestMethod]
    public async Task PrivateAddresses_AreRefused_DirectlyAndThroughARedirect()
    {
        CancellationToken ct = TestContext.CancellationToken;
        int before = s_images.Requests;
        (int Blobs, int Jobs) stored = await s_strict.CountStoredAsync(ct);
        foreach (string url in new[] { s_images.BaseUrl + "/photos/cat.jpg", "http://localhost:" + new Uri(s_images.BaseUrl).Port + "/photos/cat.jpg", "http://169.254.169.254/latest/meta-data/" })
        {
            using var form = new MultipartFormDataContent { { new StringContent(url), "imageUrl" } };
            HttpResponseMessage response = await s_strict.Client.PostAsync("/api/v1/jobs", form, ct);
            string body = await response.Content.ReadAsStringAsync(ct);
            Assert.AreEqual(HttpStatusCode.BadRequest, response.StatusCode, body);
            StringAssert.Contains(body, "url.forbidden_host");
        }

        Assert.AreEqual(before, s_images.Requests, "nothing was sent to the private address");
        Assert.AreEqual(stored, await s_strict.CountStoredAsync(ct), "nothing was stored for a refused fetch");
    }

    [TestMethod]
    public async Task ImageAndImageUrlTogether_AreRefused()
    {
        CancellationToken ct = TestContext.CancellationToken;
        using MultipartFormDataContent form = DarkroomHost.Form(TestImages.Photo(TestImages.Cat));
        form.Add(new StringContent(s_images.BaseUrl + "/photos/cat.jpg"), "imageUrl");

        HttpResponseMessage response = await s_open.Client.PostAsync("/api/v1/jobs", form, ct);

        Assert.AreEqual(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [TestMethod]
    public async Task BackgroundUrl_IsFetchedToo()
    {
        CancellationToken ct = TestContext.CancellationToken;
        using MultipartFormDataContent form = DarkroomHost.Form(TestImages.Photo(TestImages.Coffee), "coffee.jpg", """{"format":"jpeg"}""");
        form.Add(new StringContent(s_images.BaseUrl + "/photos/cat.jpg"), "backgroundUrl");

        HttpResponseMessage response = await s_open.Client.PostAsync("/api/v1/remove-background", form, ct);

        Assert.AreEqual(HttpStatusCode.OK, response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        Assert.AreEqual("coffee-cutout.jpg", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        using Image result = Image.NewFromBuffer(await response.Content.ReadAsByteArrayAsync(ct));
        Assert.AreEqual(3, result.Bands, "opaque: the cat photo shows behind the coffee cup");
    }

    [TestMethod]
    public async Task ResultNames_SayWhatWasDone_OnEveryRoute()
    {
        CancellationToken ct = TestContext.CancellationToken;

        HttpResponseMessage mask = await s_open.Client.PostAsync("/api/v1/remove-background", DarkroomHost.Form(TestImages.Photo(TestImages.Cat), "my cat.photo.jpg", """{"output":"mask"}"""), ct);
        Assert.AreEqual(HttpStatusCode.OK, mask.StatusCode, await mask.Content.ReadAsStringAsync(ct));
        Assert.AreEqual("my cat.photo-mask.png", mask.Content.Headers.ContentDisposition?.FileName?.Trim('"'));

        HttpResponseMessage submitted = await s_open.Client.PostAsync("/api/v1/jobs", DarkroomHost.Form(TestImages.Photo(TestImages.Cat), "../../etc/cat.jpg"), ct);
        JobView job = (await submitted.Content.ReadFromJsonAsync<JobView>(Json.Options, ct))!;
        JobView done = await s_open.WaitForAsync(job.Id, j => j.Status.IsFinal(), ct);
        HttpResponseMessage result = await s_open.Client.GetAsync(done.Links.Result, ct);
        Assert.AreEqual("cat-cutout.png", result.Content.Headers.ContentDisposition?.FileName?.Trim('"'), "folders in the upload's name are dropped");
    }
}
