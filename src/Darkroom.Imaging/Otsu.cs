namespace Darkroom.Imaging;

/// <summary>Otsu's threshold: the histogram bin that best separates two classes (most between-class variance).</summary>
public static class Otsu
{
    /// <summary>The last bin of the lower class.</summary>
    public static int Threshold(ReadOnlySpan<double> histogram)
    {
        double total = 0, sumAll = 0;
        for (int b = 0; b < histogram.Length; b++)
        {
            total += histogram[b];
            sumAll += b * histogram[b];
        }

        double weightBelow = 0, sumBelow = 0, best = -1;
        int threshold = histogram.Length / 2;
        for (int b = 0; b < histogram.Length; b++)
        {
            weightBelow += histogram[b];
            sumBelow += b * histogram[b];
            double weightAbove = total - weightBelow;
            if (weightBelow <= 0 || weightAbove <= 0)
            {
                continue;
            }

            double meanBelow = sumBelow / weightBelow, meanAbove = (sumAll - sumBelow) / weightAbove;
            double between = weightBelow * weightAbove * (meanBelow - meanAbove) * (meanBelow - meanAbove);
            if (between > best)
            {
                best = between;
                threshold = b;
            }
        }

        return threshold;
    }
}
