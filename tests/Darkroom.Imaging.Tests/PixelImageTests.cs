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

    /// <summary>
    /// Reading renders straight into the managed array: the same bytes libvips' own WriteToMemory gives, for a decoded
    /// photo, a pipeline (scaled, cropped), a four-band image and a float one (cast to bytes as WriteToMemory of its cast).
    /// </summary>
    [TestMethod]
    public void Read_GivesWriteToMemorysBytes()
    {
        using Image photo = Image.NewFromFile(RepoPaths.TestData(TestImages.Cat));
        using Image scaled = photo.Resize(0.37).Crop(5, 7, 101, 59);
        using Image withAlpha = photo.Bandjoin(128);
        using Image floats = photo.Cast(Enums.BandFormat.Float) * 0.5;
        using Image floatBytes = floats.Cast(Enums.BandFormat.Uchar);
        foreach ((Image image, Image reference) in new[] { (photo, photo), (scaled, scaled), (withAlpha, withAlpha), (floats, floatBytes) })
        {
            byte[] read = PixelImage.Read(image);
            byte[] expected = reference.WriteToMemory<byte>();

            Assert.AreEqual(expected.Length, read.Length);
            Assert.IsTrue(expected.AsSpan().SequenceEqual(read), $"{image.Width}x{image.Height}x{image.Bands} {image.Format}: the bytes differ");
        }
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
