using System.Collections.Concurrent;
using Darkroom.Core.Ports;

namespace Darkroom.Api;

/// <summary>A background loop as /health shows it.</summary>
public sealed record LoopView(string Name, string State, int Restarts, long PoisonInputs, string? LastError, DateTimeOffset? LastFaultAt);

/// <summary>
/// The health of the host's background loops (queue workers, inbox poller): a supervisor reports every fault and
/// restart here, the loops report each poison input they set aside, and /health shows them.
/// </summary>
public sealed class BackgroundLoops(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, LoopView> _loops = new(StringComparer.Ordinal);

    public void Running(string name) =>
        _loops.AddOrUpdate(name, n => new LoopView(n, "running", 0, 0, null, null), (_, v) => v with { State = "running" });

    public void Faulted(string name, Exception exception) =>
        _loops.AddOrUpdate(
            name,
            n => new LoopView(n, "restarting", 1, 0, Describe(exception), clock.GetUtcNow()),
            (_, v) => v with { State = "restarting", Restarts = v.Restarts + 1, LastError = Describe(exception), LastFaultAt = clock.GetUtcNow() });

    public void PoisonInput(string name) =>
        _loops.AddOrUpdate(name, n => new LoopView(n, "running", 0, 1, null, null), (_, v) => v with { PoisonInputs = v.PoisonInputs + 1 });

    public IReadOnlyList<LoopView> Snapshot() => [.. _loops.Values.OrderBy(v => v.Name, StringComparer.Ordinal)];

    private static string Describe(Exception exception) => BlobNames.Printable($"{exception.GetType().Name}: {exception.Message}", 300);
}
