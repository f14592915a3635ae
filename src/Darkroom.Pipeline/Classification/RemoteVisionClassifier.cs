using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Darkroom.Core.Classification;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using NetVips;
using OpenAI;

namespace Darkroom.Pipeline.Classification;

/// <summary>
/// A vision model behind an OpenAI-compatible chat-completions API (OpenAI, DashScope's compatible mode, any such
/// endpoint) or Azure OpenAI, through Microsoft.Extensions.AI's <see cref="IChatClient"/>, asked for strict JSON.
/// Anything but a well-formed answer with a known category (an HTTP error, a time-out, prose, an invented category)
/// makes the step pass, so the chain falls back; it never guesses. No retries here: the chain's budget is the limit.
/// </summary>
public sealed class RemoteVisionClassifier(HttpClient http, IOptions<ClassifyOptions> options) : IClassifierStep, IDisposable
{
    public const string Prompt =
        "Classify the photo into exactly one category: social_activities (several people together), pets, single_person, foods, "
        + "travel_scenery, screenshot (phone or desktop UI), idcard (identity card, passport, driving licence), other. "
        + "Answer only with JSON: {\"category\": one of those names, \"confidence\": 0 to 1, \"description\": one short sentence}.";

    private readonly Dictionary<RemoteClassifierOptions, IChatClient> _clients = [];

    public string Name => ClassifyOptions.RemoteStep;

    public string Method => ClassifyMethods.Remote;

    /// <summary>Asks each configured provider in turn; the next is tried only when one fails (error, time-out, unreachable).</summary>
    public async Task<StepOutcome> ClassifyAsync(ClassifierInput input, CancellationToken cancellationToken)
    {
        RemoteClassifierOptions[] providers = [.. options.Value.Providers];
        if (providers.Length == 0)
        {
            return StepOutcome.Pass("no remote endpoint configured");
        }

        var failures = new List<string>();
        foreach (RemoteClassifierOptions remote in providers)
        {
            string? failure;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(remote.TimeoutMs);
            try
            {
                ChatResponse response = await ClientFor(remote).GetResponseAsync(Messages(input, remote), Settings(), timeout.Token);
                StepOutcome outcome = ParseAnswer(response.Text, response.ModelId, remote.Model);
                return failures.Count == 0 ? outcome : outcome with { Reason = $"{outcome.Reason}; after {string.Join("; ", failures)}" };
            }
            catch (ClientResultException ex) when (ex.Status > 0)
            {
                failure = $"HTTP {ex.Status}";
            }
            catch (ClientResultException ex)
            {
                failure = $"unreachable ({ex.Message.Split('\n')[0]})";
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                failure = $"no answer within {remote.TimeoutMs} ms";
            }

            failures.Add($"{Host(remote)}: {failure}");
        }

        return StepOutcome.Pass(failures.Count == 1 ? $"endpoint failed: {failures[0]}" : $"every provider failed: {string.Join("; ", failures)}");
    }

    public void Dispose()
    {
        lock (_clients)
        {
            foreach (IChatClient client in _clients.Values)
            {
                client.Dispose();
            }
        }
    }

    private static string Host(RemoteClassifierOptions remote) => Uri.TryCreate(remote.Endpoint, UriKind.Absolute, out Uri? uri) ? uri.Authority : remote.Endpoint;

    private IChatClient ClientFor(RemoteClassifierOptions remote)
    {
        lock (_clients)
        {
            if (!_clients.TryGetValue(remote, out IChatClient? client))
            {
                client = Create(http, remote);
                _clients[remote] = client;
            }

            return client;
        }
    }

    /// <summary>The chat client for one provider.</summary>
    private static IChatClient Create(HttpClient http, RemoteClassifierOptions remote)
    {
        string baseUrl = remote.Endpoint.TrimEnd('/');
        var settings = new OpenAIClientOptions
        {
            Transport = new HttpClientPipelineTransport(http),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = Timeout.InfiniteTimeSpan,
            Endpoint = new Uri(remote.Flavor == "azure" ? $"{baseUrl}/openai/deployments/{Uri.EscapeDataString(remote.Model)}" : baseUrl),
        };
        if (remote.Flavor == "azure")
        {
            // Azure OpenAI's deployment API: the api-key header instead of a bearer token, and an api-version.
            settings.AddPolicy(new AzureDeploymentPolicy(remote.ApiKey, remote.ApiVersion), PipelinePosition.BeforeTransport);
        }

        var credential = new ApiKeyCredential(remote.ApiKey.Length > 0 ? remote.ApiKey : "none");
        return new OpenAI.Chat.ChatClient(remote.Model, credential, settings).AsIChatClient();
    }

    private static ChatOptions Settings() => new()
    {
        Temperature = 0,
        MaxOutputTokens = 200,
        ResponseFormat = ChatResponseFormat.Json,
    };

    private static List<ChatMessage> Messages(ClassifierInput input, RemoteClassifierOptions remote)
    {
        using Image small = input.Upright.ThumbnailImage(remote.MaxImageSide, height: remote.MaxImageSide, size: Enums.Size.Down);
        using Image rgb = small.HasAlpha() ? small.Flatten(background: [255, 255, 255]) : small.Copy();
        byte[] jpeg = rgb.JpegsaveBuffer(q: 85);
        var image = new DataContent(jpeg, "image/jpeg")
        {
            // A small image at low detail: the category needs no more, and it costs the fewest tokens.
            RawRepresentation = OpenAI.Chat.ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(jpeg), "image/jpeg", OpenAI.Chat.ChatImageDetailLevel.Low),
        };
        return
        [
            new ChatMessage(ChatRole.System, Prompt),
            new ChatMessage(ChatRole.User, [new TextContent("Classify this photo."), image]),
        ];
    }

    /// <summary>Reads the answer's text as the JSON the prompt asks for; anything else passes.</summary>
    public static StepOutcome ParseAnswer(string? content, string? answeredBy, string model)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return StepOutcome.Pass("the answer has no text");
        }

        try
        {
            JsonNode? answer = JsonNode.Parse(StripFence(content));
            string? category = answer?["category"]?.GetValue<string>();
            double confidence = answer?["confidence"]?.GetValue<double>() ?? -1;
            string description = answer?["description"]?.GetValue<string>() ?? "";
            string version = answeredBy ?? model;
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

    /// <summary>Azure OpenAI's deployment API: <c>api-key</c> instead of the bearer token, and <c>api-version</c> on every call.</summary>
    private sealed class AzureDeploymentPolicy(string apiKey, string apiVersion) : PipelinePolicy
    {
        public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            Adjust(message);
            ProcessNext(message, pipeline, currentIndex);
        }

        public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            Adjust(message);
            await ProcessNextAsync(message, pipeline, currentIndex);
        }

        private void Adjust(PipelineMessage message)
        {
            message.Request.Headers.Remove("Authorization");
            message.Request.Headers.Set("api-key", apiKey);
            var uri = new UriBuilder(message.Request.Uri!);
            uri.Query = (string.IsNullOrEmpty(uri.Query) ? "" : uri.Query.TrimStart('?') + "&") + "api-version=" + Uri.EscapeDataString(apiVersion);
            message.Request.Uri = uri.Uri;
        }
    }
}
