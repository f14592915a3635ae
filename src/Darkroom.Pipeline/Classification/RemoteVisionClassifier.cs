using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Darkroom.Core.Classification;
using Microsoft.Extensions.Options;
using NetVips;

namespace Darkroom.Pipeline.Classification;

/// <summary>
/// A vision model behind an OpenAI-compatible chat-completions API, asked for strict JSON. Anything but a
/// well-formed answer with a known category (an HTTP error, a time-out, prose, an invented category) makes the
/// step pass, so the chain falls back; it never guesses.
/// </summary>
public sealed class RemoteVisionClassifier(HttpClient http, IOptions<ClassifyOptions> options) : IClassifierStep
{
    public const string Prompt =
        "Classify the photo into exactly one category: social_activities (several people together), pets, single_person, foods, "
        + "travel_scenery, screenshot (phone or desktop UI), idcard (identity card, passport, driving licence), other. "
        + "Answer only with JSON: {\"category\": one of those names, \"confidence\": 0 to 1, \"description\": one short sentence}.";

    public string Name => "remote";

    public string Method => ClassifyMethods.Remote;

    public async Task<StepOutcome> ClassifyAsync(ClassifierInput input, CancellationToken cancellationToken)
    {
        RemoteClassifierOptions remote = options.Value.Remote;
        if (string.IsNullOrWhiteSpace(remote.Endpoint))
        {
            return StepOutcome.Pass("no remote endpoint configured");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, Url(remote)) { Content = JsonContent.Create(Body(input, remote)) };
        if (remote.Flavor == "azure")
        {
            request.Headers.Add("api-key", remote.ApiKey);
        }
        else if (remote.ApiKey.Length > 0)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", remote.ApiKey);
        }

        using HttpResponseMessage response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return StepOutcome.Pass($"endpoint answered HTTP {(int)response.StatusCode}");
        }

        string json = await response.Content.ReadAsStringAsync(cancellationToken);
        return Parse(json, remote.Model);
    }

    /// <summary>Reads choices[0].message.content as the JSON the prompt asks for; anything else passes.</summary>
    public static StepOutcome Parse(string responseJson, string model)
    {
        try
        {
            JsonNode? root = JsonNode.Parse(responseJson);
            string? content = root?["choices"]?[0]?["message"]?["content"]?.GetValue<string>();
            if (content is null)
            {
                return StepOutcome.Pass("response has no choices[0].message.content");
            }

            JsonNode? answer = JsonNode.Parse(StripFence(content));
            string? category = answer?["category"]?.GetValue<string>();
            double confidence = answer?["confidence"]?.GetValue<double>() ?? -1;
            string description = answer?["description"]?.GetValue<string>() ?? "";
            string version = root?["model"]?.GetValue<string>() ?? model;
            if (!Categories.IsKnown(category))
            {
                return StepOutcome.Pass($"answer names no known category ('{category}')");
            }

            if (confidence is < 0 or > 1 or double.NaN)
            {
                return StepOutcome.Pass(string.Create(CultureInfo.InvariantCulture, $"answer has no confidence in [0, 1] ({confidence})"));
            }

            description = description.Length > 200 ? description[..200] : description;
            return new StepOutcome(new ClassifierVerdict(category!, confidence, description, model, version), $"{category} {confidence:0.00}");
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return StepOutcome.Pass($"answer is not the JSON asked for: {ex.Message}");
        }
    }

    private static string StripFence(string content)
    {
        string trimmed = content.Trim();
        if (trimmed.StartsWith("```", StringComparison.Ordinal))
        {
            int start = trimmed.IndexOf('\n', StringComparison.Ordinal);
            int end = trimmed.LastIndexOf("```", StringComparison.Ordinal);
            return start > 0 && end > start ? trimmed[(start + 1)..end] : trimmed;
        }

        return trimmed;
    }

    private static Uri Url(RemoteClassifierOptions remote)
    {
        string baseUrl = remote.Endpoint.TrimEnd('/');
        return new Uri(remote.Flavor == "azure"
            ? $"{baseUrl}/openai/deployments/{Uri.EscapeDataString(remote.Model)}/chat/completions?api-version={Uri.EscapeDataString(remote.ApiVersion)}"
            : $"{baseUrl}/chat/completions");
    }

    private static object Body(ClassifierInput input, RemoteClassifierOptions remote)
    {
        using Image small = input.Upright.ThumbnailImage(remote.MaxImageSide, height: remote.MaxImageSide, size: Enums.Size.Down);
        using Image rgb = small.HasAlpha() ? small.Flatten(background: [255, 255, 255]) : small.Copy();
        string dataUrl = "data:image/jpeg;base64," + Convert.ToBase64String(rgb.JpegsaveBuffer(q: 85));
        return new
        {
            model = remote.Model,
            temperature = 0,
            max_tokens = 200,
            response_format = new { type = "json_object" },
            messages = new object[]
            {
                new { role = "system", content = Prompt },
                new
                {
                    role = "user",
                    content = new object[]
                    {
                        new { type = "text", text = "Classify this photo." },
                        new { type = "image_url", image_url = new { url = dataUrl, detail = "low" } },
                    },
                },
            },
        };
    }
}
