using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Darkroom.Server.Tests.Hostile;

/// <summary>One hostile request, what it must get back (status and stable code), and nothing stored.</summary>
public sealed record HttpCase(string Name, Func<HttpRequestMessage> Build, int Status, string Code);

/// <summary>
/// The hostile-input corpus through HTTP against the real server (Kestrel, Azurite): broken files in every format,
/// bombs, polyglots, masks, multipart framing, options, headers, ids, paging and URLs. For each case: the status
/// and code, a bounded problem body, the server still answering, and storage (blobs, rows, queues) unchanged.
/// </summary>
[TestClass]
public sealed class HostileHttpTests
{
    private const string Jobs = "/api/v1/jobs";
    private const string Cutout = "/api/v1/remove-background";
    private const string Watermark = "/api/v1/remove-watermark";
    private const string Classify = "/api/v1/classify";
    private const string Batches = "/api/v1/batches";

    private static DarkroomHost s_host = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context) =>
        s_host = await DarkroomHost.StartAsync(DarkroomHost.NewPrefix(), context.CancellationToken, new()
        {
            ["Darkroom:Inference:Preload"] = "",
            ["Darkroom:Imaging:MaxUploadBytes"] = "3000000",
        });

    [ClassCleanup]
    public static async Task StopAsync() => await s_host.DisposeAsync();

    public static IReadOnlyList<HttpCase> Corpus()
    {
        byte[] photo = HostileFiles.SmallJpeg(320, 240);
        var cases = new List<HttpCase>();
        void Add(string name, Func<HttpRequestMessage> build, int status, string code) => cases.Add(new HttpCase(name, build, status, code));

        // Files: broken, foreign, bombs, polyglots, on every route that takes a photo.
        (string Name, byte[] Bytes, int Status, string Code)[] files =
        [
            ("empty", [], 400, "image.empty"),
            ("text", TestImages.Text, 415, "image.unsupported_format"),
            ("svg", TestImages.Svg, 415, "image.unsupported_format"),
            ("html", HostileFiles.Html, 415, "image.unsupported_format"),
            ("pdf", HostileFiles.Pdf, 415, "image.unsupported_format"),
            ("zip", HostileFiles.Zip, 415, "image.unsupported_format"),
            ("bmp (no loader)", HostileFiles.Bmp(), 415, "image.unsupported_format"),
            ("jpeg magic + junk", HostileFiles.Prefix([0xFF, 0xD8, 0xFF, 0xE0], 500), 422, "image.corrupt"),
            ("png magic + junk", HostileFiles.Prefix([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], 500), 422, "image.corrupt"),
            ("gif magic + junk", HostileFiles.Prefix("GIF89a"u8.ToArray(), 200), 422, "image.corrupt"),
            ("webp magic + junk", HostileFiles.Prefix([.. "RIFF"u8, 0x40, 0, 0, 0, .. "WEBPVP8 "u8], 200), 422, "image.corrupt"),
            ("tiff magic + junk", HostileFiles.Prefix([0x49, 0x49, 0x2A, 0x00], 300), 422, "image.corrupt"),
            ("truncated jpeg", photo[..(photo.Length / 2)], 422, "image.corrupt"),
            ("truncated png", TestImages.Plain(300, 200, 90)[..200], 422, "image.corrupt"),
            ("jpeg with a random scan", HostileFiles.JpegRandomScan(), 422, "image.corrupt"),
            ("png with a bad header CRC", HostileFiles.PngBadHeaderCrc(), 422, "image.corrupt"),
            ("png pixel bomb 100000x100000", HostileFiles.PngBomb(100_000, 100_000), 413, "image.too_many_pixels"),
            ("png 40000x1 (side limit)", HostileFiles.PngBomb(40_000, 1), 413, "image.too_many_pixels"),
            ("gif bomb 65535x65535", HostileFiles.GifBomb(), 413, "image.too_many_pixels"),
            ("over the upload limit", [.. photo, .. new byte[3_100_000]], 413, "image.too_large"),
        ];
        foreach ((string name, byte[] bytes, int status, string code) in files)
        {
            Add($"{name} -> jobs", () => Multipart(Jobs, bytes), status, code);
            Add($"{name} -> remove-background", () => Multipart(Cutout, bytes), status, code);
        }

        foreach ((string name, byte[] bytes, int status, string code) in files.Where((_, i) => i % 3 == 0))
        {
            Add($"{name} -> classify", () => Multipart(Classify, bytes), status, code);
            Add($"{name} -> remove-watermark", () => Multipart(Watermark, bytes), status, code);
        }

        // Masks and backgrounds: the same limits as photos, before decoding.
        Add("mask pixel bomb", () => Multipart(Watermark, photo, mask: HostileFiles.PngBomb(100_000, 100_000)), 413, "mask.too_many_pixels");
        Add("mask over the upload limit", () => Multipart(Watermark, photo, mask: new byte[3_100_000]), 413, "mask.too_large");
        Add("mask is text", () => Multipart(Watermark, photo, mask: TestImages.Text), 415, "mask.invalid");
        Add("mask is truncated", () => Multipart(Watermark, photo, mask: TestImages.Plain(320, 240, 90)[..150]), 422, "mask.invalid");
        Add("mask on remove-background", () => Multipart(Cutout, photo, mask: TestImages.Plain(320, 240, 90)), 400, "request.invalid");
        Add("background pixel bomb", () => Multipart(Cutout, photo, background: HostileFiles.PngBomb(100_000, 100_000)), 413, "background.invalid");
        Add("background is html", () => Multipart(Cutout, photo, background: HostileFiles.Html), 415, "background.invalid");

        // Multipart framing and media types.
        Add("boundary mismatch", () => RawMultipart(Cutout, "multipart/form-data; boundary=AAA", "--BBB\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.jpg\"\r\n\r\nxx\r\n--BBB--\r\n"), 400, "request.multipart_invalid");
        Add("no closing boundary", () => RawMultipart(Cutout, "multipart/form-data; boundary=AAA", "--AAA\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.jpg\"\r\n\r\nxxxx"), 400, "request.multipart_invalid");
        Add("no boundary parameter", () => RawMultipart(Jobs, "multipart/form-data", "--AAA\r\n\r\n"), 400, "request.multipart_invalid");
        Add("boundary mismatch -> classify", () => RawMultipart(Classify, "multipart/form-data; boundary=AAA", "--BBB\r\n\r\nxx\r\n--BBB--\r\n"), 400, "request.multipart_invalid");
        Add("boundary mismatch -> batches", () => RawMultipart(Batches, "multipart/form-data; boundary=AAA", "--BBB\r\n\r\nxx\r\n--BBB--\r\n"), 400, "request.multipart_invalid");
        Add("part without headers", () => RawMultipart(Jobs, "multipart/form-data; boundary=AAA", "--AAA\r\n\r\nxx\r\n--AAA--\r\n"), 400, "request.multipart_invalid");
        Add("json body", () => Raw(HttpMethod.Post, Cutout, new StringContent("{\"image\":\"x\"}", Encoding.UTF8, "application/json")), 415, "request.invalid");
        Add("no body", () => Raw(HttpMethod.Post, Jobs, null), 415, "request.invalid");
        Add("no image part", () => Multipart(Jobs, null, options: "{}"), 400, "image.missing");
        Add("unknown form field", () => Multipart(Jobs, photo, extra: ("shell", "rm -rf /")), 400, "request.invalid");
        Add("unknown form field with a 100 kB name", () => Multipart(Jobs, photo, extra: (new string('x', 100_000), "v")), 413, "request.too_large");
        Add("unknown form field with a 2 kB name", () => Multipart(Jobs, photo, extra: (new string('x', 2_000), "v")), 400, "request.invalid");
        Add("unknown operation", () => Multipart(Jobs, photo, extra: ("operation", "format-c")), 400, "request.invalid");

        // Options.
        Add("options not JSON", () => Multipart(Jobs, photo, options: "{format: png"), 400, "options.invalid");
        Add("options unknown member", () => Multipart(Jobs, photo, options: "{\"colour\":\"red\"}"), 400, "options.unknown");
        Add("numeric enum", () => Multipart(Jobs, photo, options: "{\"format\":99}"), 400, "options.invalid");
        Add("numeric enum as string", () => Multipart(Jobs, photo, options: "{\"format\":\"1\"}"), 400, "options.invalid");
        Add("enum comma list", () => Multipart(Jobs, photo, options: "{\"format\":\"png, webp\"}"), 400, "options.invalid");
        Add("watermark numeric enum", () => Multipart(Watermark, photo, options: "{\"model\":2}"), 400, "options.invalid");
        Add("option string bomb 10 MB", () => Multipart(Jobs, photo, options: "{\"background\":\"" + new string('a', 2_500_000) + "\"}"), 400, "options.invalid");
        Add("option member-name bomb", () => Multipart(Jobs, photo, options: "{\"" + new string('k', 200_000) + "\":1}"), 400, "options.invalid");
        Add("deeply nested options", () => Multipart(Jobs, photo, options: new string('[', 5000) + new string(']', 5000)), 400, "options.invalid");
        Add("options is an array", () => Multipart(Jobs, photo, options: "[1,2,3]"), 400, "options.invalid");
        Add("negative crop margin", () => Multipart(Jobs, photo, options: "{\"crop\":true,\"cropMargin\":-5}"), 400, "options.invalid");
        Add("quality 1000", () => Multipart(Jobs, photo, options: "{\"quality\":1000}"), 400, "options.invalid");
        Add("background not a colour", () => Multipart(Jobs, photo, options: "{\"background\":\"#zzzzzz\"}"), 400, "options.invalid");
        Add("jpeg cut-out", () => Multipart(Jobs, photo, options: "{\"format\":\"jpeg\"}"), 400, "options.invalid");
        Add("dilate out of range", () => Multipart(Watermark, photo, options: "{\"dilate\":100000}"), 400, "options.invalid");
        Add("method not known", () => Multipart(Watermark, photo, options: "{\"method\":\"magic\"}"), 400, "options.invalid");
        Add("lama when it is not installed", () => Multipart(Watermark, photo, options: "{\"model\":\"lama\"}"), 422, "model.unavailable");

        // Headers.
        Add("no API key", () => Raw(HttpMethod.Get, Jobs, null, key: null), 401, "auth.invalid_key");
        Add("unknown API key", () => Raw(HttpMethod.Get, Jobs, null, key: "dr_nope"), 401, "auth.invalid_key");
        Add("API key of 10 kB", () => Raw(HttpMethod.Get, Jobs, null, key: new string('k', 10_000)), 401, "auth.invalid_key");
        Add("Idempotency-Key of 300 characters", () => WithHeader(Multipart(Jobs, photo), "Idempotency-Key", new string('i', 300)), 400, "request.invalid");
        Add("wrong admin key", () => WithHeader(Raw(HttpMethod.Post, "/api/v1/admin/keys", JsonBody("{\"tenant\":\"x\",\"plan\":\"pro\"}"), key: null), "X-Admin-Key", "guess"), 401, "auth.invalid_key");
        Add("admin: unknown plan of 50 kB", () => WithHeader(Raw(HttpMethod.Post, "/api/v1/admin/keys", JsonBody("{\"tenant\":\"x\",\"plan\":\"" + new string('p', 50_000) + "\"}"), key: null), "X-Admin-Key", DarkroomHost.AdminKey), 400, "request.invalid");
        Add("admin: tenant with a path", () => WithHeader(Raw(HttpMethod.Post, "/api/v1/admin/keys", JsonBody("{\"tenant\":\"../acme\",\"plan\":\"pro\"}"), key: null), "X-Admin-Key", DarkroomHost.AdminKey), 400, "request.invalid");

        // Ids and paging.
        Add("job id with dot segments", () => Raw(HttpMethod.Get, Jobs + "/..%2F..%2Fresults", null), 404, "job.not_found");
        Add("job id of 5 kB", () => Raw(HttpMethod.Get, Jobs + "/" + new string('f', 5000), null), 404, "job.not_found");
        Add("job id with a newline", () => Raw(HttpMethod.Get, Jobs + "/abc%0Acrit%3A%20forged", null), 404, "job.not_found");
        Add("delete another tenant's style id", () => Raw(HttpMethod.Delete, Jobs + "/ffffffffffffffffffffffffffffffff", null), 404, "job.not_found");
        Add("result of a missing job", () => Raw(HttpMethod.Get, Jobs + "/ffffffffffffffffffffffffffffffff/result", null), 404, "job.not_found");
        Add("batch id garbage", () => Raw(HttpMethod.Get, Batches + "/%27%20or%201%3D1", null), 404, "job.not_found");
        Add("continuation garbage", () => Raw(HttpMethod.Get, Jobs + "?continuation=" + Uri.EscapeDataString("not a token at all"), null), 400, "request.invalid");
        Add("continuation of 4 kB", () => Raw(HttpMethod.Get, Jobs + "?continuation=" + new string('a', 4000), null), 400, "request.invalid");

        // Callback URLs: every form that reaches loopback, private, link-local or reserved space.
        string[] forbidden =
        [
            "http://127.0.0.1/", "http://localhost/", "http://[::1]/", "http://[::127.0.0.1]/", "http://[::ffff:127.0.0.1]/",
            "http://[2002:7f00:1::]/", "http://[64:ff9b::7f00:1]/", "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
            "http://2130706433/", "http://0x7f000001/", "http://0177.0.0.1/", "http://127.1/", "http://0/", "http://0.0.0.0/",
            "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://192.168.1.1/", "http://[fd00::1]/", "http://[fe80::1]/",
            "http://100.64.0.1/", "http://[::]/",
        ];
        foreach (string url in forbidden)
        {
            Add($"callback {url}", () => Multipart(Jobs, photo, callback: url), 400, "callback.forbidden_host");
        }

        foreach (string url in new[] { "file:///etc/passwd", "ftp://example.com/", "gopher://example.com/", "http://user:pw@example.com/", "javascript:alert(1)", "not a url", "http://example.com/#frag", "http://" + new string('a', 3000) + ".com/" })
        {
            Add($"callback {url[..Math.Min(40, url.Length)]}", () => Multipart(Jobs, photo, callback: url), 400, "callback.invalid");
        }

        // Batches and classify cache: request-level errors are the request's.
        Add("batch with bad options", () => Multipart(Batches, null, options: "{\"format\":99}", images: [photo, photo]), 400, "options.invalid");
        Add("batch with a private callback", () => Multipart(Batches, null, callback: "http://10.1.2.3/", images: [photo, photo]), 400, "callback.forbidden_host");
        Add("batch of 51", () => Multipart(Batches, null, images: [.. Enumerable.Repeat(TestImages.Plain(8, 8, 90), 51)]), 400, "request.invalid");
        Add("batch without images", () => Multipart(Batches, null, options: "{}"), 400, "image.missing");
        Add("check-cache with a 200 kB hash", () => Raw(HttpMethod.Post, Classify + "/check-cache", JsonBody("{\"hashes\":[\"" + new string('a', 200_000) + "\"]}")), 400, "request.invalid");
        Add("check-cache with 101 hashes", () => Raw(HttpMethod.Post, Classify + "/check-cache", JsonBody("{\"hashes\":[" + string.Join(",", Enumerable.Repeat("\"" + new string('a', 64) + "\"", 101)) + "]}")), 400, "request.invalid");
        Add("check-cache not JSON", () => Raw(HttpMethod.Post, Classify + "/check-cache", JsonBody("{hashes")), 400, "request.invalid");

        return cases;
    }

    [TestMethod]
    public async Task Corpus_EveryCaseIsItsProblem_TheServerAnswers_AndStorageIsUnchanged()
    {
        CancellationToken ct = TestContext.CancellationToken;
        IReadOnlyList<HttpCase> corpus = Corpus();
        using var client = new HttpClient { BaseAddress = s_host.Client.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        var failures = new List<string>();
        StorageSnapshot before = await StorageSnapshot.TakeAsync(s_host.Storage, ct);

        foreach (HttpCase hostile in corpus)
        {
            using HttpRequestMessage request = hostile.Build();
            using HttpResponseMessage response = await client.SendAsync(request, ct);
            string body = await response.Content.ReadAsStringAsync(ct);
            string? code = null;
            try
            {
                using JsonDocument problem = JsonDocument.Parse(body);
                code = problem.RootElement.TryGetProperty("code", out JsonElement c) ? c.GetString() : null;
            }
            catch (JsonException)
            {
                code = "(not JSON)";
            }

            if ((int)response.StatusCode != hostile.Status || code != hostile.Code)
            {
                failures.Add($"{hostile.Name}: {(int)response.StatusCode} {code}, expected {hostile.Status} {hostile.Code}: {body[..Math.Min(300, body.Length)]}");
            }
            else if (body.Length > 4096 || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"{hostile.Name}: a {body.Length}-character {response.Content.Headers.ContentType?.MediaType} answer");
            }
        }

        HttpResponseMessage health = await s_host.Client.GetAsync("/api/v1/health", ct);
        StorageSnapshot after = await StorageSnapshot.TakeAsync(s_host.Storage, ct);

        TestContext.WriteLine($"{corpus.Count} hostile HTTP cases, {failures.Count} failed");
        Assert.IsGreaterThanOrEqualTo(100, corpus.Count);
        Assert.IsEmpty(failures, string.Join("\n", failures));
        Assert.AreEqual(HttpStatusCode.OK, health.StatusCode, "the server still answers");
        Assert.AreEqual("", before.Difference(after), "nothing stored or changed");
    }

    private static HttpRequestMessage Multipart(
        string route, byte[]? image, string? options = null, string? callback = null, byte[]? mask = null, byte[]? background = null,
        (string Name, string Value)? extra = null, byte[][]? images = null)
    {
        var form = new MultipartFormDataContent();
        if (image is not null)
        {
            form.Add(new ByteArrayContent(image), "image", "photo.jpg");
        }

        foreach (byte[] item in images ?? [])
        {
            form.Add(new ByteArrayContent(item), "images", "item.png");
        }

        if (options is not null)
        {
            form.Add(new StringContent(options), "options");
        }

        if (callback is not null)
        {
            form.Add(new StringContent(callback), "callbackUrl");
        }

        if (mask is not null)
        {
            form.Add(new ByteArrayContent(mask), "mask", "mask.png");
        }

        if (background is not null)
        {
            form.Add(new ByteArrayContent(background), "background", "background.png");
        }

        if (extra is { } field)
        {
            form.Add(new StringContent(field.Value), field.Name);
        }

        return Raw(HttpMethod.Post, route, form);
    }

    private static HttpRequestMessage RawMultipart(string route, string contentType, string body)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return Raw(HttpMethod.Post, route, content);
    }

    private static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    private static HttpRequestMessage Raw(HttpMethod method, string route, HttpContent? content, string? key = DarkroomHost.DevelopmentKey)
    {
        var request = new HttpRequestMessage(method, route) { Content = content };
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("X-API-Key", key);
        }

        return request;
    }

    private static HttpRequestMessage WithHeader(HttpRequestMessage request, string name, string value)
    {
        request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }
}
