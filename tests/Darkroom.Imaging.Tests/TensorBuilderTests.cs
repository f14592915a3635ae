namespace Darkroom.Imaging.Tests;

[TestClass]
public sealed class TensorBuilderTests
{
    [TestMethod]
    public void ToNchw_WritesPlanesInRgbOrderWithPerChannelNormalisation()
    {
        byte[] rgb = [10, 20, 30, 40, 50, 60];
        var normalization = new ChannelNormalization([0, 10, 20], [1, 2, 4]);
        float[] tensor = new float[6];

        TensorBuilder.ToNchw(rgb, width: 2, height: 1, normalization, tensor);

        CollectionAssert.AreEqual(new float[] { 10, 40, 5, 20, 2.5f, 10 }, tensor);
    }

    [TestMethod]
    public void ToNchw_TooSmallDestination_Throws() =>
        Assert.ThrowsExactly<ArgumentException>(() =>
            TensorBuilder.ToNchw(new byte[12], 2, 2, new ChannelNormalization([0, 0, 0], [1, 1, 1]), new float[11]));
}
