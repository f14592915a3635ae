using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Darkroom.Inference;

/// <summary>A verified model with its one session, shared by every caller (concurrent Run is safe).</summary>
public sealed class LoadedModel(ModelSpec spec, InferenceSession session, string provider, TimeSpan loadTime) : IDisposable
{
    public ModelSpec Spec { get; } = spec;

    public InferenceSession Session { get; } = session;

    public string Provider { get; } = provider;

    public TimeSpan LoadTime { get; } = loadTime;

    public bool InputIsHalf { get; } = session.InputMetadata[spec.Input.Name].ElementDataType == TensorElementType.Float16;

    public bool OutputIsHalf { get; } = session.OutputMetadata[spec.Output].ElementDataType == TensorElementType.Float16;

    public void Dispose() => Session.Dispose();
}
