using Darkroom.Core.Telemetry;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Darkroom.Inference;

/// <summary>
/// A verified model with its one session, shared by every caller. Forward passes go one at a time (each uses every
/// core through ONNX Runtime's intra-op threads): two passes at once on a small CPU only fight for the same cores and
/// double the activation memory; the callers' decode, compose and storage work overlaps the one pass instead.
/// </summary>
public sealed class LoadedModel(ModelSpec spec, InferenceSession session, string provider, TimeSpan loadTime, bool onePassAtATime = true) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public ModelSpec Spec { get; } = spec;

    public InferenceSession Session { get; } = session;

    public string Provider { get; } = provider;

    public TimeSpan LoadTime { get; } = loadTime;

    public bool InputIsHalf { get; } = session.InputMetadata[spec.Input.Name].ElementDataType == TensorElementType.Float16;

    public bool OutputIsHalf { get; } = session.OutputMetadata[spec.Output].ElementDataType == TensorElementType.Float16;

    /// <summary>One forward pass (waiting for the pass in progress, if any, when passes go one at a time).</summary>
    public IDisposableReadOnlyCollection<OrtValue> Run(RunOptions runOptions, IReadOnlyCollection<string> inputNames, IReadOnlyCollection<OrtValue> inputs, IReadOnlyCollection<string> outputNames)
    {
        if (!onePassAtATime)
        {
            return Timed(runOptions, inputNames, inputs, outputNames);
        }

        _gate.Wait();
        try
        {
            return Timed(runOptions, inputNames, inputs, outputNames);
        }
        finally
        {
            _gate.Release();
        }
    }

    private IDisposableReadOnlyCollection<OrtValue> Timed(RunOptions runOptions, IReadOnlyCollection<string> inputNames, IReadOnlyCollection<OrtValue> inputs, IReadOnlyCollection<string> outputNames)
    {
        using System.Diagnostics.Activity? span = DarkroomTelemetry.Source.StartActivity("model.run " + Spec.Id);
        span?.SetTag("darkroom.model", Spec.Id);
        span?.SetTag("darkroom.provider", Provider);
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        IDisposableReadOnlyCollection<OrtValue> outputs = Session.Run(runOptions, inputNames, inputs, outputNames);
        DarkroomTelemetry.ModelRunDuration.Record(
            System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            new KeyValuePair<string, object?>("darkroom.model", Spec.Id),
            new KeyValuePair<string, object?>("darkroom.provider", Provider));
        return outputs;
    }

    public void Dispose()
    {
        Session.Dispose();
        _gate.Dispose();
    }
}
