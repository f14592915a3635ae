namespace Darkroom.Inference;

/// <summary>
/// Whether the process is ready for work beyond answering: the preloaded models have been loaded and run once
/// (the model warm-up), or the warm-up failed and why. Liveness needs none of this; readiness does.
/// </summary>
public sealed class Readiness
{
    private volatile string? _problem;
    private volatile bool _warm;

    public bool Warm => _warm;

    /// <summary>Why the warm-up failed, or null.</summary>
    public string? Problem => _problem;

    public void Warmed() => _warm = true;

    public void Failed(string problem) => _problem = problem;
}
