using NetVips;

namespace Darkroom.Testing;

/// <summary>Screenshots and identity-document look-alikes drawn with libvips text, for the classifier's tests.</summary>
public static class ClassifyImages
{
    /// <summary>A labelled test image: what it is, what the local chain should call it, and the file's bytes.</summary>
    public sealed record Sample(string Name, string Expected, byte[] Bytes);

    public static IReadOnlyList<Sample> Screenshots() =>
    [
        new("iphone settings 1170x2532", "screenshot", PhoneSettings(1170, 2532)),
        new("android chat 1080x2400", "screenshot", Chat(1080, 2400)),
        new("desktop window 1920x1080", "screenshot", Desktop(1920, 1080)),
        new("laptop window 1440x900", "screenshot", Desktop(1440, 900)),
    ];

    public static IReadOnlyList<Sample> IdDocuments()
    {
        var samples = new List<Sample>
        {
            new("identity card", "idcard", Card(1012, 638, "IDENTITY CARD", ["Surname  DOE", "Given names  JANE", "Date of birth  01.02.1990", "Nationality  UTOPIAN"], "IDUTO<<DOE<<JANE<<<<<<<<<<<<<<")),
            new("passport page", "idcard", Card(1250, 880, "PASSPORT", ["Surname  ROE", "Given names  RICHARD", "Nationality  UTOPIAN", "Date of expiry  12.10.2031"], "P<UTOROE<<RICHARD<<<<<<<<<<<<<<<<<<<<<<<<<")),
            new("driver license", "idcard", Card(1012, 638, "DRIVER LICENSE", ["DOB  03/04/1985", "Class  C", "Expires  03/04/2030", "Address  1 MAIN ST"], null)),
        };
        if (HasCjkFont())
        {
            samples.Add(new("chinese resident card", "idcard", Card(1012, 638, "居民身份证", ["姓名  张三", "性别  男  民族  汉", "住址  北京市东城区", "公民身份号码  110101199003071234"], null)));
        }

        return samples;
    }

    /// <summary>Whether fontconfig has a font with Chinese glyphs (the Chinese card is only drawn then).</summary>
    public static bool HasCjkFont()
    {
        using Image probe = Image.Text("身份证", font: "sans 40", dpi: 72);
        using Image latin = Image.Text("ABC", font: "sans 40", dpi: 72);
        // Without CJK glyphs the text renders as boxes of similar ink; with them, denser strokes.
        return probe.Avg() > latin.Avg() * 1.2 && File.Exists("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf");
    }

    private static byte[] PhoneSettings(int width, int height)
    {
        Image canvas = Solid(width, height, [242, 242, 247]);
        canvas = Box(canvas, 0, 0, width, 140, [255, 255, 255]);
        canvas = Write(canvas, "9:41", 60, 40, 40, [0, 0, 0]);
        canvas = Write(canvas, "Settings", 60, 200, 80, [0, 0, 0]);
        string[] rows = ["Wi-Fi   Home Network", "Bluetooth   On", "Mobile Data", "Notifications", "Sounds and Haptics", "Focus", "Screen Time", "General", "Display and Brightness", "Battery", "Privacy and Security"];
        for (int i = 0; i < rows.Length; i++)
        {
            int top = 380 + (i * 170);
            canvas = Box(canvas, 40, top, width - 80, 150, [255, 255, 255]);
            canvas = Write(canvas, rows[i], 100, top + 45, 48, [0, 0, 0]);
        }

        return Png(canvas);
    }

    private static byte[] Chat(int width, int height)
    {
        Image canvas = Solid(width, height, [255, 255, 255]);
        canvas = Box(canvas, 0, 0, width, 180, [7, 94, 84]);
        canvas = Write(canvas, "Alex", 160, 60, 56, [255, 255, 255]);
        string[] messages = ["Are we still on for dinner tonight?", "Yes! 7 pm at the usual place", "Great, I will book a table", "Can you bring the photos from the trip?", "Sure, I will send them now", "Thanks, see you later"];
        for (int i = 0; i < messages.Length; i++)
        {
            bool mine = i % 2 == 1;
            int top = 260 + (i * 300);
            canvas = Box(canvas, mine ? 300 : 40, top, 740, 200, mine ? [220, 248, 198] : [236, 236, 236]);
            canvas = Write(canvas, messages[i], mine ? 340 : 80, top + 70, 40, [20, 20, 20]);
        }

        canvas = Box(canvas, 0, height - 160, width, 160, [240, 240, 240]);
        canvas = Write(canvas, "Message", 80, height - 105, 44, [140, 140, 140]);
        return Png(canvas);
    }

    private static byte[] Desktop(int width, int height)
    {
        Image canvas = Solid(width, height, [250, 250, 250]);
        canvas = Box(canvas, 0, 0, width, 60, [45, 45, 48]);
        canvas = Write(canvas, "File   Edit   View   Window   Help", 30, 18, 22, [230, 230, 230]);
        canvas = Box(canvas, 0, 60, 260, height - 60, [37, 37, 38]);
        string[] files = ["README.md", "Program.cs", "appsettings.json", "Startup.cs", "Dockerfile", "tests"];
        for (int i = 0; i < files.Length; i++)
        {
            canvas = Write(canvas, files[i], 30, 90 + (i * 40), 20, [200, 200, 200]);
        }

        string[] code = ["using System;", "namespace Demo;", "public static class Program", "{", "    public static void Main()", "    {", "        Console.WriteLine(\"Hello\");", "    }", "}"];
        for (int i = 0; i < code.Length; i++)
        {
            canvas = Write(canvas, code[i], 300, 100 + (i * 44), 26, [30, 30, 30]);
        }

        return Png(canvas);
    }

    private static byte[] Card(int width, int height, string title, string[] fields, string? mrz)
    {
        Image canvas = Solid(width, height, [214, 232, 240]);
        canvas = Box(canvas, 0, 0, width, height / 6, [40, 90, 140]);
        canvas = Write(canvas, title, width / 20, height / 30, height / 12, [255, 255, 255]);
        canvas = Box(canvas, width / 20, height / 4, width / 4, height / 2, [170, 180, 190]);
        for (int i = 0; i < fields.Length; i++)
        {
            canvas = Write(canvas, fields[i], (width / 20) + (width / 4) + 40, (height / 4) + (i * height / 9), height / 20, [20, 20, 40]);
        }

        if (mrz is not null)
        {
            canvas = Write(canvas, mrz, width / 20, height - (height / 6), height / 17, [0, 0, 0], "monospace");
        }

        // Photographed, not exported: a JPEG like a phone would make.
        byte[] jpeg = canvas.JpegsaveBuffer(q: 90);
        canvas.Dispose();
        return jpeg;
    }

    private static Image Solid(int width, int height, double[] colour) =>
        (Image.Black(width, height, bands: 3) + colour).Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);

    private static Image Box(Image canvas, int left, int top, int width, int height, double[] colour)
    {
        using Image box = Solid(width, height, colour);
        Image drawn = canvas.Insert(box, left, top);
        canvas.Dispose();
        return drawn;
    }

    private static Image Write(Image canvas, string text, int left, int top, int size, double[] colour, string family = "sans")
    {
        // Image.Text takes Pango markup: escape it.
        string markup = text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
        using Image glyphs = Image.Text(markup, font: $"{family} {size}", dpi: 72);
        using Image alpha = glyphs.Embed(left, top, canvas.Width, canvas.Height, extend: Enums.Extend.Black);
        using Image ink = Solid(canvas.Width, canvas.Height, colour);
        using Image weight = alpha / 255.0;
        using Image mixed = (ink * weight) + (canvas * (1 - weight));
        Image drawn = mixed.Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
        canvas.Dispose();
        return drawn;
    }

    private static byte[] Png(Image canvas)
    {
        byte[] png = canvas.PngsaveBuffer(compression: 1);
        canvas.Dispose();
        return png;
    }
}
