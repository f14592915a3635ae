namespace Darkroom.Imaging;

/// <summary>Per-channel (x - mean) / std on 0..255 pixel values, in R, G, B order; how a model wants its input scaled.</summary>
public sealed record ChannelNormalization(float[] Mean, float[] Std)
{
    public void Validate()
    {
        if (Mean.Length != 3 || Std.Length != 3 || Array.Exists(Std, s => s == 0))
        {
            throw new ArgumentException("Normalisation needs three means and three non-zero standard deviations.");
        }
    }
}
