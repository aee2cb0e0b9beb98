namespace Sim.Fuzz.Tests;

/// <summary>One file the fuzzer starts from: a seed manifest or a lesson (which applies seed manifests).</summary>
internal sealed record CorpusFile(string Name, string Text, bool IsLesson);

/// <summary>The seed manifests (<c>scenarios/manifests</c>, verbatim copies of the one-pager's) and the lessons.</summary>
internal static class Corpus
{
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>The seed manifests, in name order.</summary>
    public static IReadOnlyList<CorpusFile> Manifests { get; } = Read(Path.Combine(RepoRoot, "scenarios", "manifests"), lessons: false);

    /// <summary>The lessons, in name order.</summary>
    public static IReadOnlyList<CorpusFile> Lessons { get; } = Read(Path.Combine(RepoRoot, "scenarios"), lessons: true);

    /// <summary>Lessons first, then manifests: what a case's <c>Subject</c> indexes.</summary>
    public static IReadOnlyList<CorpusFile> All { get; } = [.. Lessons, .. Manifests];

    private static List<CorpusFile> Read(string dir, bool lessons) =>
        Directory.GetFiles(dir)
            .Where(p => Path.GetExtension(p) is ".yaml" or ".yml")
            .Order(StringComparer.Ordinal)
            .Select(p => new CorpusFile(Path.GetFileName(p), File.ReadAllText(p), lessons))
            .ToList();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Simulator.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("Simulator.sln");
    }
}
