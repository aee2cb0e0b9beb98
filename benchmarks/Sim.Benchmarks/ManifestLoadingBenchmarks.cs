using BenchmarkDotNet.Attributes;
using Sim.Core.Manifests;

namespace Sim.Benchmarks;

/// <summary>
/// <see cref="ManifestLoader.LoadText"/> on the seed manifests and on a generated multi-document file.
/// Times are per document loaded: documents/s = 1 / mean.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class ManifestLoadingBenchmarks
{
    private (string Name, string Text)[] _seeds = null!;
    private string _large = null!;

    [GlobalSetup]
    public void Setup()
    {
        _seeds = SeedManifests.Read();
        if (_seeds.Length != SeedManifests.Count) throw new InvalidOperationException($"found {_seeds.Length} seed manifests");
        _large = SeedManifests.MultiDocument(LargeManifest.Documents);
        var check = ManifestLoader.LoadText(_large, "large.yaml");
        if (check.Errors.Count > 0 || check.Documents.Count != LargeManifest.Documents)
            throw new InvalidOperationException("the generated manifest does not load cleanly: " + string.Join("; ", check.Errors));
    }

    /// <summary>Each of the six seed files, one LoadText call per file.</summary>
    [Benchmark(OperationsPerInvoke = SeedManifests.Count)]
    public int SeedFiles()
    {
        var loaded = 0;
        foreach (var (name, text) in _seeds) loaded += ManifestLoader.LoadText(text, name).Documents.Count;
        return loaded;
    }

    /// <summary>One file of <see cref="LargeManifest.Documents"/> documents (the seed manifests repeated, renamed).</summary>
    [Benchmark(OperationsPerInvoke = LargeManifest.Documents)]
    public int LargeFile() => ManifestLoader.LoadText(_large, "large.yaml").Documents.Count;
}

/// <summary>Sizes of the generated manifest.</summary>
public static class LargeManifest
{
    public const int Documents = 1_200;
}
