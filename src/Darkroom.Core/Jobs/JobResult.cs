namespace Darkroom.Core.Jobs;

/// <summary>The artifact a finished job produced.</summary>
public sealed record JobResult(string Blob, string ContentType, long Bytes, int Width, int Height);
