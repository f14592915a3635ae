namespace Darkroom.Inference;

/// <summary>What was asked for and what runs, with the reason when they differ; shown by /health.</summary>
public sealed record ExecutionProviderStatus(string Requested, string Active, string? FallbackReason);
