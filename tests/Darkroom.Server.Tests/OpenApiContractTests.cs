using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Darkroom.Server.Tests;

/// <summary>
/// Walks /openapi/v1.json and issues every documented request, built only from the document (its paths, methods,
/// security scheme, form fields and examples) plus test images for binary fields; each answer's status must be one
/// the document lists for that operation, with one of the media types it lists. A client generated from the
/// document would send exactly these.
/// </summary>
[TestClass]
public sealed class OpenApiContractTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task EveryDocumentedRequest_GetsADocumentedAnswer()
    {
        CancellationToken ct = TestContext.CancellationToken;
        await using DarkroomHost host = await DarkroomHost.StartAsync(DarkroomHost.NewPrefix(), ct);
        using var anonymous = new HttpClient { BaseAddress = host.Client.BaseAddress, Timeout = TimeSpan.FromMinutes(3) };
        JsonNode document = JsonNode.Parse(await anonymous.GetStringAsync("/openapi/v1.json", ct))!;

        JsonNode scheme = document["components"]!["securitySchemes"]!["ApiKey"]!;
        Assert.AreEqual("apiKey", scheme["type"]!.GetValue<string>());
        Assert.AreEqual("header", scheme["in"]!.GetValue<string>());
        string keyHeader = scheme["name"]!.GetValue<string>();

        // A job of our own for the {id} routes.
        HttpResponseMessage created = await host.Client.PostAsync("/api/v1/jobs?wait=60", DarkroomHost.Form(TestImages.Photo(TestImages.Cat)), ct);
        string jobId = JsonNode.Parse(await created.Content.ReadAsStringAsync(ct))!["id"]!.GetValue<string>();

        var calls = new List<(string Method, string Path, JsonObject Operation)>();
        foreach ((string path, JsonNode? item) in document["paths"]!.AsObject())
        {
            foreach ((string method, JsonNode? operation) in item!.AsObject())
            {
                calls.Add((method.ToUpperInvariant(), path, operation!.AsObject()));
            }
        }

        Assert.IsGreaterThan(20, calls.Count);
        var failures = new List<string>();
        foreach ((string method, string path, JsonObject operation) in calls.OrderBy(c => c.Method == "DELETE"))
        {
            Assert.IsFalse(string.IsNullOrEmpty(operation["summary"]?.GetValue<string>()), $"{method} {path} has a summary");
            string url = path.Replace("{id}", path.Contains("batches", StringComparison.Ordinal) ? new string('0', 32) : jobId, StringComparison.Ordinal).Replace("{prefix}", "dr_nokey", StringComparison.Ordinal);
            using var request = new HttpRequestMessage(new HttpMethod(method), url);
            bool secured = operation["security"] is JsonArray { Count: > 0 };
            if (secured)
            {
                request.Headers.Add(keyHeader, DarkroomHost.DevelopmentKey);
            }

            request.Content = Body(operation["requestBody"], path);
            HttpResponseMessage response = await anonymous.SendAsync(request, ct);
            string status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            JsonObject responses = operation["responses"]!.AsObject();
            string line = $"{method} {url} -> {status} {response.Content.Headers.ContentType?.MediaType}";
            TestContext.WriteLine(line);
            if (!responses.ContainsKey(status))
            {
                failures.Add($"{line}: not among the documented {string.Join(", ", responses.Select(r => r.Key))}: {await response.Content.ReadAsStringAsync(ct)}");
                continue;
            }

            if (responses[status]!["content"] is JsonObject content && content.Count > 0
                && !content.Any(c => c.Key == response.Content.Headers.ContentType?.MediaType))
            {
                failures.Add($"{line}: media type not among {string.Join(", ", content.Select(c => c.Key))}");
            }
        }

        Assert.IsEmpty(failures, string.Join("\n", failures));
    }

    /// <summary>The body a generated client sends: multipart with the required fields, the image fields and the examples; JSON from the schema.</summary>
    private static HttpContent? Body(JsonNode? requestBody, string path)
    {
        if (requestBody?["content"] is not JsonObject content)
        {
            return null;
        }

        if (content["multipart/form-data"]?["schema"]?["properties"] is JsonObject properties)
        {
            var form = new MultipartFormDataContent();
            foreach ((string name, JsonNode? schema) in properties)
            {
                bool binary = (schema!["format"] ?? schema["items"]?["format"])?.GetValue<string>() == "binary";
                if (binary && name is "image" or "images" or "image_file")
                {
                    var file = new ByteArrayContent(TestImages.Photo(TestImages.Cat));
                    file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                    form.Add(file, name, "cat.jpg");
                }
                else if (!binary && schema["examples"] is JsonArray { Count: > 0 } examples && examples[0] is JsonNode example && !name.EndsWith("Url", StringComparison.Ordinal) && !name.EndsWith("_url", StringComparison.Ordinal))
                {
                    form.Add(new StringContent(example.GetValue<string>()), name);
                }
            }

            return form;
        }

        if (content.ContainsKey("application/json"))
        {
            string json = path.EndsWith("check-cache", StringComparison.Ordinal)
                ? """{"hashes":["0000000000000000000000000000000000000000000000000000000000000000"]}"""
                : """{"tenant":"contract","plan":"pro"}""";
            return new StringContent(json, Encoding.UTF8, "application/json");
        }

        return null;
    }
}
