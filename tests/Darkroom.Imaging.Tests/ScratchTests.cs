namespace Darkroom.Imaging.Tests;

/// <summary>
/// The refinement's tile workers reuse their planes (<see cref="Scratch"/>): a plane comes back holding the last
/// tile's values, so every step that takes one must give the same answer as on a new, zeroed array.
/// </summary>
[TestClass]
public sealed class ScratchTests
{
    private const int Width = 61, Height = 47;

    private static float[] Plane(int seed)
    {
        var random = new Random(seed);
        float[] plane = new float[Width * Height];
        for (int i = 0; i < plane.Length; i++)
        {
            plane[i] = random.NextSingle();
        }

        return plane;
    }

    /// <summary>A scratch whose free planes all hold another image's values: one run on other data, then a reset.</summary>
    private static Scratch Dirty()
    {
        var scratch = new Scratch();
        float[][] guide = [Plane(11), Plane(12), Plane(13)];
        foreach (int subsample in new[] { 1, 2, 3 })
        {
            _ = GuidedFilter.Apply(guide, Plane(14), Width, Height, radius: 4, epsilon: 1e-3f, subsample, scratch);
        }

        _ = ForegroundEstimation.Solve(guide, Plane(15), Width, Height, scratch: scratch);
        MaskOps.Dilate(new byte[Width * Height].AsSpan(), Width, Height, 3, scratch);
        scratch.Reset();
        return scratch;
    }

    [TestMethod]
    public void Take_GivesBackTheSamePlaneOnlyAfterAReset_AtTheLengthAsked()
    {
        var scratch = new Scratch();
        float[] first = scratch.Take<float>(100);
        float[] second = scratch.Take<float>(100);
        Assert.AreNotSame(first, second);
        Assert.AreEqual(100, first.Length);
        first[3] = 7f;

        scratch.Reset();
        float[] again = scratch.Take<float>(100);
        Assert.IsTrue(ReferenceEquals(again, first) || ReferenceEquals(again, second));
        Assert.AreEqual(50, scratch.Take<float>(50).Length);
        float[] cleared = scratch.Take<float>(100, clear: true);
        Assert.IsTrue(cleared.All(v => v == 0f));
    }

    [TestMethod]
    public void GuidedFilter_OnReusedPlanes_EqualsOnNewOnes()
    {
        float[][] guide = [Plane(1), Plane(2), Plane(3)];
        float[] input = Plane(4);
        foreach (int subsample in new[] { 1, 2, 3 })
        {
            float[] fresh = GuidedFilter.Apply(guide, input, Width, Height, radius: 5, epsilon: 1e-4f, subsample);
            float[] reused = GuidedFilter.Apply(guide, input, Width, Height, radius: 5, epsilon: 1e-4f, subsample, Dirty());
            CollectionAssert.AreEqual(fresh, reused, $"subsample {subsample}");
        }
    }

    [TestMethod]
    public void ForegroundEstimation_OnReusedPlanes_EqualsOnNewOnes()
    {
        float[][] image = [Plane(5), Plane(6), Plane(7)];
        float[] alpha = Plane(8);
        float[][] fresh = ForegroundEstimation.Solve(image, alpha, Width, Height);
        float[][] reused = ForegroundEstimation.Solve(image, alpha, Width, Height, scratch: Dirty());
        for (int c = 0; c < 3; c++)
        {
            CollectionAssert.AreEqual(fresh[c], reused[c], $"channel {c}");
        }
    }

    [TestMethod]
    public void Dilate_OnAReusedPlane_EqualsOnANewOne()
    {
        byte[] mask = new byte[Width * Height];
        mask[(20 * Width) + 30] = 255;
        byte[] reused = (byte[])mask.Clone();
        MaskOps.Dilate(mask, Width, Height, 4);
        MaskOps.Dilate(reused, Width, Height, 4, Dirty());
        CollectionAssert.AreEqual(mask, reused);
        Assert.IsTrue(mask.Count(v => v != 0) > 40);
    }
}
