using BenchmarkDotNet.Attributes;
using k8s.Models;
using Sim.Core.Api.History;
using Sim.Core.Serialization;

namespace Sim.Benchmarks;

/// <summary>
/// Deep copy and semantic equality of a stored small pod: every update compares the new object with the stored one,
/// and callers clone what they read before changing it.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class ModelCopyBenchmarks
{
    private V1Pod _pod = null!;
    private V1Pod _copy = null!;
    private V1Pod _changed = null!;

    [GlobalSetup]
    public void Setup()
    {
        var server = SmallPods.Server(HistoryRetention.Off);
        _pod = SmallPods.CreateAll(server, 1)[0];
        _copy = ModelCopy.Clone(_pod);
        _changed = ModelCopy.Clone(_pod);
        _changed.Metadata.Labels["tier"] = "frontend";
    }

    [Benchmark]
    public V1Pod Clone() => ModelCopy.Clone(_pod);

    /// <summary>Equal objects: the comparison walks everything.</summary>
    [Benchmark]
    public bool SemanticEqualsEqual() => ModelCopy.SemanticEquals(_pod, _copy);

    /// <summary>A label differs: the comparison stops in metadata.</summary>
    [Benchmark]
    public bool SemanticEqualsChangedLabel() => ModelCopy.SemanticEquals(_changed, _pod);
}
