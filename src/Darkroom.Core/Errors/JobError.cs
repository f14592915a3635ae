namespace Darkroom.Core.Errors;

/// <summary>Why a job failed, as stored on the job and shown to the caller.</summary>
public sealed record JobError(string Code, string Message, int Status);
