namespace Darkroom.Core.Jobs;

/// <summary>
/// The file name a result downloads as: the upload's name with what was done to it, so saving it never overwrites
/// the original (<c>photo-cutout.png</c>, <c>photo-mask.png</c>, <c>photo-clean.jpg</c>).
/// </summary>
public static class ResultNames
{
    public static string For(JobRecord job, string resultBlob)
    {
        string stem = Stem(job.FileName) ?? "image";
        string suffix = job.Operation switch
        {
            JobOperation.RemoveBackground => job.Options.RemoveBackground?.MatteOnly == true ? "mask" : "cutout",
            JobOperation.RemoveWatermark => job.Options.RemoveWatermark?.Output == Options.WatermarkOutput.Mask ? "mask" : "clean",
            _ => "result",
        };
        return $"{stem}-{suffix}{Path.GetExtension(resultBlob)}";
    }

    /// <summary>The upload's name without folders or extension, cut to printable safe characters; null when nothing is left.</summary>
    private static string? Stem(string? fileName)
    {
        if (string.IsNullOrWhiteSpace(fileName))
        {
            return null;
        }

        string name = Path.GetFileNameWithoutExtension(fileName.Replace('\\', '/').Split('/')[^1]);
        string safe = new string([.. name.Where(c => !char.IsControl(c) && c is not ('"' or ';' or '/' or '\\')).Take(100)]).Trim();
        return safe.Length == 0 ? null : safe;
    }
}
