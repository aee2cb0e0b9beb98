using BenchmarkDotNet.Attributes;
using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Api.History;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Benchmarks;

/// <summary>
/// Committed writes of small pods (create, label update with resourceVersion, delete) under each history retention.
/// One invocation commits <see cref="Writes"/> writes and drains the loop (the watch hub's dispatch), so the reported
/// time is per committed write: writes/s = 1 / mean.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class StoreWriteBenchmarks
{
    public const int Writes = 20_000;

    private ApiServer _server = null!;
    private V1Pod[] _input = null!;
    private string[] _names = null!;

    [Params(HistoryRetention.Off, HistoryRetention.HashOnly, HistoryRetention.Full)]
    public HistoryRetention Retention { get; set; }

    [IterationSetup(Target = nameof(Create))]
    public void SetupCreate()
    {
        _server = SmallPods.Server(Retention);
        _input = SmallPods.NewBatch(Writes);
    }

    [IterationSetup(Target = nameof(Update))]
    public void SetupUpdate()
    {
        _server = SmallPods.Server(Retention);
        var stored = SmallPods.CreateAll(_server, Writes);
        _input = new V1Pod[Writes];
        for (var i = 0; i < Writes; i++)
        {
            // A controller's write: copy what it read, change a label, send it back with the resourceVersion it read.
            var copy = ModelCopy.Clone(stored[i]);
            copy.Metadata.Labels["tier"] = "frontend";
            _input[i] = copy;
        }
    }

    [IterationSetup(Target = nameof(Delete))]
    public void SetupDelete()
    {
        _server = SmallPods.Server(Retention);
        _names = SmallPods.CreateAll(_server, Writes).Select(p => p.Metadata.Name).ToArray();
    }

    [Benchmark(OperationsPerInvoke = Writes)]
    public long Create()
    {
        foreach (var pod in _input) _server.Create(pod).Unwrap();
        _server.Loop.RunFor(SimDuration.Zero);
        return _server.ResourceVersion;
    }

    [Benchmark(OperationsPerInvoke = Writes)]
    public long Update()
    {
        foreach (var pod in _input) _server.Update(pod).Unwrap();
        _server.Loop.RunFor(SimDuration.Zero);
        return _server.ResourceVersion;
    }

    [Benchmark(OperationsPerInvoke = Writes)]
    public long Delete()
    {
        foreach (var name in _names) _server.Delete(ResourceKinds.Pod, "default", name).Unwrap();
        _server.Loop.RunFor(SimDuration.Zero);
        return _server.ResourceVersion;
    }
}
