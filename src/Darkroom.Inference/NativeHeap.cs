using System.Runtime.InteropServices;

namespace Darkroom.Inference;

/// <summary>The native heap, where ONNX Runtime's and libvips' buffers live: glibc's, or jemalloc's where it is preloaded.</summary>
public static partial class NativeHeap
{
    /// <summary>
    /// Whether the process runs on jemalloc (preloaded, as <c>run.sh</c> and the images start the server where it is
    /// installed): glibc's <c>malloc_trim</c> then has nothing to return and jemalloc is asked instead.
    /// </summary>
    public static bool Jemalloc { get; } = OperatingSystem.IsLinux()
        && (Environment.GetEnvironmentVariable("LD_PRELOAD") ?? "").Contains("libjemalloc", StringComparison.Ordinal);

    /// <summary>Where jemalloc's library is installed (Debian: libjemalloc2, where <c>scripts/jemalloc.sh</c> looks), or null.</summary>
    public static string? InstalledJemalloc() =>
        OperatingSystem.IsLinux()
            ? JemallocFolders.Select(folder => Path.Combine(folder, "libjemalloc.so.2")).FirstOrDefault(File.Exists)
            : null;

    /// <summary>
    /// jemalloc's settings as <c>run.sh</c> and the CPU image give them (<c>MALLOC_CONF</c>): two arenas, and a background
    /// thread that returns freed pages (~10 s decay), also while the process is idle.
    /// </summary>
    public const string JemallocSettings = "narenas:2,background_thread:true";

    private static readonly string[] JemallocFolders = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib"];

    /// <summary>
    /// Hands the allocator's free pages back to the operating system: glibc's <c>malloc_trim</c>, or under jemalloc a
    /// purge of every arena (its background thread does the same over ~10 s; this is at once); nothing elsewhere.
    /// Besides the idle trim, done once after a model is loaded and before its first pass: parsing and optimising the
    /// graph leaves its scratch free in the heap (ISNet: 50 MiB at level <c>extended</c>, 270 MiB at <c>all</c>), and
    /// under glibc's one-heap settings those touched pages stayed resident under the activations the passes then
    /// placed around them.
    /// </summary>
    public static void Trim()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            if (Jemalloc)
            {
                // MALLCTL_ARENAS_ALL (4096): every arena. Resolved in the process's own symbols (the preloaded library).
                _ = mallctl("arena.4096.purge\0"u8, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, 0);
            }
            else
            {
                _ = malloc_trim(0);
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc, or jemalloc not loaded after all.
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int malloc_trim(nuint pad);

    [LibraryImport("libjemalloc.so.2", EntryPoint = "mallctl")]
    private static partial int mallctl(ReadOnlySpan<byte> name, IntPtr oldp, IntPtr oldlenp, IntPtr newp, nuint newlen);
}
