using System.Text.Json;
using Darkroom.Core.Workflow;
using Darkroom.Pipeline.Activities;

namespace Darkroom.Pipeline;

/// <summary>
/// Runs an activity by name with JSON in and JSON out, as Durable does across its process boundary; the local
/// runner uses it so that both hosts serialise exactly the same records.
/// </summary>
public sealed class ActivityDispatcher(
    ProgressActivity progress,
    ValidateActivity validate,
    SegmentActivity segment,
    ComposeActivity compose,
    MaskActivity mask,
    InpaintActivity inpaint,
    PersistActivity persist,
    FailActivity fail,
    SettleActivity settle,
    NotifyActivity notify,
    ClassifyActivity classify)
{
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<string> Names { get; } =
        [ActivityNames.Progress, ActivityNames.Validate, ActivityNames.Segment, ActivityNames.Compose, ActivityNames.Mask, ActivityNames.Inpaint, ActivityNames.Persist, ActivityNames.Fail, ActivityNames.Settle, ActivityNames.Notify, ActivityNames.Classify];

    public async Task<string> InvokeAsync(string name, string inputJson, CancellationToken cancellationToken) => name switch
    {
        ActivityNames.Progress => Serialize(await progress.RunAsync(Read<ProgressRequest>(inputJson), cancellationToken)),
        ActivityNames.Validate => Serialize(await validate.RunAsync(Read<ValidateRequest>(inputJson), cancellationToken)),
        ActivityNames.Segment => Serialize(await segment.RunAsync(Read<SegmentRequest>(inputJson), cancellationToken)),
        ActivityNames.Compose => Serialize(await compose.RunAsync(Read<ComposeRequest>(inputJson), cancellationToken)),
        ActivityNames.Mask => Serialize(await mask.RunAsync(Read<MaskRequest>(inputJson), cancellationToken)),
        ActivityNames.Inpaint => Serialize(await inpaint.RunAsync(Read<InpaintRequest>(inputJson), cancellationToken)),
        ActivityNames.Persist => Serialize(await persist.RunAsync(Read<PersistRequest>(inputJson), cancellationToken)),
        ActivityNames.Fail => Serialize(await fail.RunAsync(Read<FailRequest>(inputJson), cancellationToken)),
        ActivityNames.Settle => Serialize(await settle.RunAsync(Read<SettleRequest>(inputJson), cancellationToken)),
        ActivityNames.Classify => Serialize(await classify.RunAsync(Read<ClassifyRequest>(inputJson), cancellationToken)),
        ActivityNames.Notify => Serialize(await notify.RunAsync(Read<NotifyRequest>(inputJson), cancellationToken)),
        _ => throw new InvalidOperationException($"No activity named '{name}'."),
    };

    private static T Read<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Json) ?? throw new InvalidOperationException($"Activity input for {typeof(T).Name} is empty.");

    private static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Json);
}
