namespace Darkroom.Imaging;

/// <summary>Process-wide libvips settings for a service that never processes the same image twice.</summary>
public static class VipsSettings
{
    /// <summary>
    /// libvips' operation cache keeps up to 100 recent operations and their pixel buffers alive so that a repeated
    /// call is free; a job service never repeats a call, so the cache only holds memory (up to its 100 MiB default
    /// per process, more in open files). Turned off.
    /// </summary>
    public static void ForService()
    {
        NetVips.Cache.Max = 0;
        NetVips.Cache.MaxMem = 0;
        NetVips.Cache.MaxFiles = 0;
    }
}
