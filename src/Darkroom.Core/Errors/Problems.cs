namespace Darkroom.Core.Errors;

/// <summary>The errors raised in more than one place, worded once.</summary>
public static class Problems
{
    public static DarkroomException InvalidOptions(string detail) =>
        new(ErrorCodes.OptionsInvalid, 400, detail);

    public static DarkroomException JobNotFound(string jobId) =>
        new(ErrorCodes.JobNotFound, 404, $"No job '{Ports.BlobNames.Printable(jobId, 64)}' exists for this caller.");

    public static DarkroomException Corrupt(string what, string detail) =>
        new(ErrorCodes.ImageCorrupt, 422, $"The {what} could not be decoded ({detail}). Re-export it from the original and upload it again.");
}
