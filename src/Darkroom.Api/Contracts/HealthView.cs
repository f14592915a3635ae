namespace Darkroom.Api.Contracts;

public sealed record HealthView(string Status, StorageHealth Storage, ExecutionProviderView ExecutionProvider, IReadOnlyList<ModelHealth> Models, IReadOnlyList<LoopView> Loops);

public sealed record StorageHealth(bool Ok, string? Error);

public sealed record ExecutionProviderView(string Requested, string Active, string? FallbackReason);

public sealed record ModelHealth(string Id, string Task, bool Installed, bool Loaded, string? Provider, long? LoadMs);
