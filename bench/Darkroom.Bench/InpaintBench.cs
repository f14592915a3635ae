using System.Diagnostics;
using System.Globalization;
using Darkroom.Imaging;
using Darkroom.Testing;
using NetVips;

namespace Darkroom.Bench;

/// <summary>
/// Telea here against OpenCV's cv2.inpaint(INPAINT_TELEA) on the same watermarked photos and masks: time (best
/// of N) and PSNR inside the mask against the clean photo, side by side.
/// </summary>
internal static class InpaintBench
{
    public static int Run(int repeat)
    {
        string folder = Directory.CreateTempSubdirectory("darkroom-inpaint-").FullName;
        var ours = new Dictionary<string, (double Ms, double Psnr, int Pixels)>();
        foreach (string photo in new[] { TestImages.Cat, TestImages.Astronaut, TestImages.Coffee })
        {
            (byte[] png, Image clean, byte[] truth) = TestImages.Watermarked(photo);
            using Image _ = clean;
            using Image marked = Image.NewFromBuffer(png);
            byte[] mask = (byte[])truth.Clone();
            MaskOps.Dilate(mask, marked.Width, marked.Height, 2);
            string name = Path.GetFileNameWithoutExtension(photo);
            File.WriteAllBytes(Path.Combine(folder, name + ".marked.png"), png);
            clean.WriteToFile(Path.Combine(folder, name + ".clean.png"));
            MaskOps.ToImage(mask, marked.Width, marked.Height).WriteToFile(Path.Combine(folder, name + ".mask.png"));

            byte[] original = marked.WriteToMemory<byte>();
            byte[] pixels = [];
            double best = double.MaxValue;
            TeleaInpainter.Inpaint((byte[])original.Clone(), mask, marked.Width, marked.Height, marked.Bands, radius: 5); // JIT warm-up, untimed
            for (int i = 0; i < repeat; i++)
            {
                pixels = (byte[])original.Clone();
                var stopwatch = Stopwatch.StartNew();
                TeleaInpainter.Inpaint(pixels, mask, marked.Width, marked.Height, marked.Bands, radius: 5);
                best = Math.Min(best, stopwatch.Elapsed.TotalMilliseconds);
            }

            using Image result = Image.NewFromMemory(pixels, marked.Width, marked.Height, marked.Bands, Enums.BandFormat.Uchar);
            ours[name] = (best, TestImages.PsnrInside(result, clean, mask), (int)(MaskOps.Coverage(mask) * mask.Length));
        }

        string[][]? anchor = OpenCvAnchor.Run("opencv_inpaint.py", folder, repeat.ToString(CultureInfo.InvariantCulture), "5");
        if (anchor is null)
        {
            return 1;
        }

        Console.WriteLine($"inpainting (Telea, radius 5, mask = drawn watermark grown 2 px, best of {repeat}):");
        Console.WriteLine("image       masked px   Darkroom ms   OpenCV ms   Darkroom PSNR   OpenCV PSNR");
        foreach (string[] f in anchor)
        {
            (double ms, double psnr, int px) = ours[f[0]];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{f[0],-11} {px,9}   {ms,11:0.0}   {double.Parse(f[1], CultureInfo.InvariantCulture),9:0.0}   {psnr,11:0.00} dB   {double.Parse(f[2], CultureInfo.InvariantCulture),8:0.00} dB"));
        }

        Directory.Delete(folder, recursive: true);
        return 0;
    }
}
