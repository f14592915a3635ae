using Darkroom.Imaging;
using Microsoft.Extensions.Options;

namespace Darkroom.Imaging.Tests;

internal static class Limits
{
    public static ImageProbe Probe(Action<ImagingOptions>? change = null)
    {
        var options = new ImagingOptions();
        change?.Invoke(options);
        return new ImageProbe(Options.Create(options));
    }
}
