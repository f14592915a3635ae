namespace Darkroom.Core.Ports;

/// <summary>Counts requests per key and fixed window in shared storage, so a limit holds across every replica.</summary>
public interface IRateCounter
{
    /// <summary>Adds one request to the key's window and returns the window's count including it.</summary>
    Task<long> IncrementAsync(string key, DateTimeOffset windowStart, CancellationToken cancellationToken);
}
