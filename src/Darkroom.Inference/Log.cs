using Microsoft.Extensions.Logging;

namespace Darkroom.Inference;

/// <summary>Inference log messages; event ids 2000-2999.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Model {ModelId} loaded on {Provider} in {ElapsedMs} ms")]
    public static partial void ModelLoaded(this ILogger logger, string modelId, string provider, long elapsedMs);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Execution provider {Requested} fell back to CPU: {Reason}")]
    public static partial void ProviderFallback(this ILogger logger, string requested, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Model {ModelId} warmed up in {ElapsedMs} ms")]
    public static partial void ModelWarmedUp(this ILogger logger, string modelId, long elapsedMs);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "LaMa model {ModelId} is installed but unusable, so LaMa is off (model 'lama' is refused, 'auto' uses Telea): {Problem}")]
    public static partial void LamaRefused(this ILogger logger, string modelId, string problem);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Debug, Message = "The model ran again on its subject's crop {Left},{Top} {Width}x{Height}: {Reason}")]
    public static partial void SecondPass(this ILogger logger, int left, int top, int width, int height, string reason);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Debug, Message = "Out of focus: the model's subject was blurred and sharp edges lay elsewhere; it ran again on their crop {Left},{Top} {Width}x{Height} and {Outcome}")]
    public static partial void FocusPass(this ILogger logger, int left, int top, int width, int height, string outcome);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Model {ModelId} is stored in float16: widened to float32 for the CPU ({Tensors} tensors)")]
    public static partial void ModelWidened(this ILogger logger, string modelId, int tensors);
}
