using System.Globalization;

namespace Darkroom.Bench;

internal sealed record BenchArgs(string Folder, int Repeat, int Concurrency, string Model, string? Url, int? ServerPid, string ModelDirectory, string Key)
{
    public static BenchArgs Parse(string[] args)
    {
        string folder = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "tests/data";
        string? Value(string name)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }

        int Int(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new BenchArgs(
            folder,
            Int("--repeat", 3),
            Int("--concurrency", 1),
            Value("--model") ?? "isnet",
            Value("--url"),
            Value("--server-pid") is { } pid ? int.Parse(pid, CultureInfo.InvariantCulture) : null,
            Value("--models") ?? "models",
            Value("--key") ?? "dr_dev_local_only_change_me");
    }
}
