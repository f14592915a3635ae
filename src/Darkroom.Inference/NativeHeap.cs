using System.Runtime.InteropServices;

namespace Darkroom.Inference;

/// <summary>glibc's heap, where ONNX Runtime's and libvips' buffers live.</summary>
public static partial class NativeHeap
{
    /// <summary>
    /// Hands glibc's free pages back to the operating system (<c>malloc_trim</c>); nothing where the C library is
    /// not glibc. Besides the idle trim, done once after a model is loaded and before its first pass: parsing and
    /// optimising the graph leaves its scratch free in the heap (ISNet: 50 MiB at level <c>extended</c>, 270 MiB at
    /// <c>all</c>), and under the server's one-heap allocator settings those touched pages stayed resident under the
    /// activations the passes then placed around them.
    /// </summary>
    public static void Trim()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = malloc_trim(0);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc.
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int malloc_trim(nuint pad);
}
