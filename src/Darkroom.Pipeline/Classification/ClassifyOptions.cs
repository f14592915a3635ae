using System.ComponentModel.DataAnnotations;

namespace Darkroom.Pipeline.Classification;

/// <summary>The classifier chain, bound from <c>Darkroom:Classify</c>.</summary>
public sealed class ClassifyOptions
{
    public const string Section = "Darkroom:Classify";

    /// <summary>The steps, in order: <c>idcard</c>, <c>screenshot</c>, <c>photo</c>, <c>remote</c>. The first confident answer wins.</summary>
    public string[] Chain { get; set; } = ["idcard", "screenshot", "photo", "remote"];

    /// <summary>The <c>photo</c> step's ImageNet classifier (catalog id).</summary>
    public string ImageNetModel { get; set; } = "mobilenetv2";

    /// <summary>The <c>photo</c> step's COCO object detector (catalog id).</summary>
    public string DetectorModel { get; set; } = "yolox";

    /// <summary>
    /// <c>chain</c> runs <see cref="Chain"/> as written; the presets reorder it: <c>remote-first</c> (the remote
    /// model, then the local steps as fallback), <c>local-first</c> (the local steps, the remote model only when none
    /// is sure) and <c>local-only</c> (never a remote call; nothing is sent anywhere).
    /// </summary>
    [RegularExpression("^(chain|remote-first|local-first|local-only)$")]
    public string Mode { get; set; } = "chain";

    /// <summary>The step names that run locally (everything in the chain but <c>remote</c>).</summary>
    public IEnumerable<string> LocalSteps => Chain.Where(s => !s.Equals(RemoteStep, StringComparison.OrdinalIgnoreCase));

    public const string RemoteStep = "remote";

    /// <summary>The steps in the order <see cref="Mode"/> gives them; <paramref name="localOnly"/> drops the remote one.</summary>
    public IReadOnlyList<string> Steps(bool localOnly = false) => (localOnly ? "local-only" : Mode) switch
    {
        "remote-first" => [RemoteStep, .. LocalSteps],
        "local-first" => [.. LocalSteps, RemoteStep],
        "local-only" => [.. LocalSteps],
        _ => Chain,
    };

    /// <summary>Time budget per step in milliseconds; a step past it is skipped and the chain goes on.</summary>
    public Dictionary<string, int> StepBudgetMs { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["idcard"] = 8000,
        ["screenshot"] = 5000,
        ["photo"] = 10000,
        ["remote"] = 20000,
    };

    /// <summary>A step's answer below this confidence does not decide; the chain goes on.</summary>
    [Range(0.0, 1.0)]
    public double MinConfidence { get; set; } = 0.6;

    /// <summary>Stored with each cached result; change it (after changing the chain) and old results count as misses.</summary>
    [Required]
    public string Version { get; set; } = "1";

    /// <summary>A claim on a hash older than this is taken over (its classifier died).</summary>
    [Range(5, 3600)]
    public int ClaimStaleSeconds { get; set; } = 120;

    /// <summary>How many images of one batch are classified at once.</summary>
    [Range(1, 32)]
    public int BatchParallelism { get; set; } = 4;

    [Range(1, 500)]
    public int MaxBatchItems { get; set; } = 50;

    /// <summary>What one remote call costs (any currency), for the cost the cache avoided in <c>/stats/cache-efficiency</c>.</summary>
    [Range(typeof(decimal), "0", "1000")]
    public decimal RemoteCallPrice { get; set; }

    public RemoteClassifierOptions Remote { get; set; } = new();

    /// <summary>
    /// Further remote providers, tried in order after <see cref="Remote"/> when it fails (an HTTP error, no answer
    /// within its <see cref="RemoteClassifierOptions.TimeoutMs"/>, unreachable): any OpenAI-compatible endpoint
    /// (DashScope's compatible mode for Qwen-VL, say) or Azure OpenAI.
    /// </summary>
    public List<RemoteClassifierOptions> Remotes { get; set; } = [];

    /// <summary>Every configured provider, in the order they are tried.</summary>
    public IEnumerable<RemoteClassifierOptions> Providers => new[] { Remote }.Concat(Remotes).Where(r => !string.IsNullOrWhiteSpace(r.Endpoint));

    public int BudgetOf(string step) => StepBudgetMs.TryGetValue(step, out int ms) ? ms : 5000;
}

/// <summary>A vision model behind an OpenAI-compatible chat-completions API. No endpoint: the step passes.</summary>
public sealed class RemoteClassifierOptions
{
    /// <summary>OpenAI: <c>https://api.openai.com/v1</c>; Azure OpenAI: <c>https://{resource}.openai.azure.com</c>; any compatible base URL.</summary>
    public string Endpoint { get; set; } = "";

    /// <summary>Sent as <c>Authorization: Bearer</c> (openai) or <c>api-key</c> (azure).</summary>
    public string ApiKey { get; set; } = "";

    /// <summary><c>openai</c> (POST {endpoint}/chat/completions) or <c>azure</c> (POST {endpoint}/openai/deployments/{model}/chat/completions?api-version=…).</summary>
    [RegularExpression("^(openai|azure)$")]
    public string Flavor { get; set; } = "openai";

    /// <summary>The model (openai) or deployment (azure) name.</summary>
    public string Model { get; set; } = "gpt-4o-mini";

    public string ApiVersion { get; set; } = "2024-10-21";

    /// <summary>The photo is sent as a JPEG at most this many pixels a side (cost and latency).</summary>
    [Range(64, 4096)]
    public int MaxImageSide { get; set; } = 768;

    /// <summary>One provider's own time limit, so a slow one leaves time for the next (the step's budget still bounds all).</summary>
    [Range(100, 120_000)]
    public int TimeoutMs { get; set; } = 10_000;
}
