using BenchmarkDotNet.Attributes;
using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Api.History;
using Sim.Core.Api.Watch;
using Sim.Core.Time;

namespace Sim.Benchmarks;

/// <summary>
/// Watch fan-out: <see cref="Watchers"/> watchers on pods, <see cref="Writes"/> pod creates, loop drained.
/// Times are per delivered event (Watchers × Writes per invocation): events/s = 1 / mean.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class WatchFanOutBenchmarks
{
    public const int Watchers = 100;
    public const int Writes = 2_000;
    private const int Events = Watchers * Writes;

    private ApiServer _server = null!;
    private V1Pod[] _input = null!;
    private long _delivered;

    /// <summary>With a selector every watcher evaluates <c>app=web</c> against each change (all pods match).</summary>
    [Params(false, true)]
    public bool LabelSelector { get; set; }

    private void Subscribe()
    {
        _server = SmallPods.Server(HistoryRetention.Off);
        var options = LabelSelector ? new ListOptions { LabelSelector = "app=web" } : null;
        for (var i = 0; i < Watchers; i++) _server.Watch(ResourceKinds.Pod, null, options, OnEvent).Unwrap();
        _server.Loop.RunFor(SimDuration.Zero);
        _delivered = 0;
    }

    private void OnEvent(WatchEvent e) => _delivered++;

    [IterationSetup(Target = nameof(WriteAndDeliver))]
    public void SetupWriteAndDeliver()
    {
        Subscribe();
        _input = SmallPods.NewBatch(Writes);
    }

    [IterationSetup(Target = nameof(DeliverOnly))]
    public void SetupDeliverOnly()
    {
        Subscribe();
        foreach (var pod in SmallPods.NewBatch(Writes)) _server.Create(pod).Unwrap();
    }

    [IterationCleanup]
    public void CheckEverythingArrived()
    {
        if (_delivered != Events) throw new InvalidOperationException($"delivered {_delivered} events, expected {Events}");
    }

    /// <summary>The creates and their delivery to every watcher.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public long WriteAndDeliver()
    {
        foreach (var pod in _input) _server.Create(pod).Unwrap();
        _server.Loop.RunFor(SimDuration.Zero);
        return _delivered;
    }

    /// <summary>Delivery alone: the creates were committed in setup and wait in the hub.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public long DeliverOnly()
    {
        _server.Loop.RunFor(SimDuration.Zero);
        return _delivered;
    }
}
