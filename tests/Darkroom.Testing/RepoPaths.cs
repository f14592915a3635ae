namespace Darkroom.Testing;

/// <summary>Where the repository's files are, found from the test binaries' folder.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Functions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Functions.sln not found above " + AppContext.BaseDirectory);
    });

    public static string RepoRoot => Root.Value;

    public static string Models => Path.Combine(RepoRoot, "models");

    public static string TestData(string file) => Path.Combine(RepoRoot, "tests", "data", file);
}
