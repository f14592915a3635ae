namespace Darkroom.Api.Contracts;

public sealed record HealthView(string Status, StorageHealth Storage, ExecutionProviderView ExecutionProvider, IReadOnlyList<ModelHealth> Models, IReadOnlyList<LoopView> Loops);

public sealed record StorageHealth(bool Ok, string? Error);

public sealed record ExecutionProviderView(string Requested, string Active, string? FallbackReason);

public sealed record ModelHealth(string Id, string Task, bool Installed, bool Loaded, string? Provider, long? LoadMs);

/// <summary>A liveness or readiness answer: <c>alive</c>, <c>ready</c>, or <c>not ready</c> with the reason.</summary>
public sealed record ReadinessView(string Status, string? Reason);
