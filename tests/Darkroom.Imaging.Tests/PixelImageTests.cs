using System.Runtime.CompilerServices;
using NetVips;

namespace Darkroom.Imaging.Tests;

[TestClass]
public sealed class PixelImageTests
{
    /// <summary>
    /// The array an image was wrapped around is free for the collector as soon as the images made from it are
    /// disposed, without waiting for finalizers (an undisposed intermediate kept it pinned until one ran). With the
    /// operation cache off, as the service runs (the cache would hold the images on purpose).
    /// </summary>
    [TestMethod]
    public void Wrap_UnpinsTheArray_WhenItsImagesAreDisposed()
    {
        VipsSettings.ForService();
        WeakReference array = WrapUseAndDispose();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
        Assert.IsFalse(array.IsAlive, "the pixel array is still pinned after its images were disposed");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference WrapUseAndDispose()
    {
        byte[] pixels = new byte[64 * 48 * 3];
        Array.Fill(pixels, (byte)200);
        using Image image = PixelImage.Wrap(pixels, 64, 48, 3, Enums.Interpretation.Srgb);
        using Image flipped = image.FlipHor();
        Assert.AreEqual(200, flipped.Avg(), 1e-9);
        return new WeakReference(pixels);
    }
}
