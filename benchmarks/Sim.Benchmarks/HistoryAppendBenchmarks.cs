using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using k8s;
using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Api.History;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Benchmarks;

/// <summary>
/// The history's share of a write, on one stored pod as the server commits it: its JSON alone
/// (<see cref="KubeJson.Write"/>), and the whole appended line (serialize, hash, and under Full keep the bytes).
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class HistoryAppendBenchmarks
{
    private const int Lines = 1_000;

    private V1Pod _pod = null!;
    private ObjectKey _key;
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private Utf8JsonWriter _writer = null!;

    [GlobalSetup]
    public void Setup()
    {
        var server = SmallPods.Server(HistoryRetention.Off);
        _pod = SmallPods.CreateAll(server, 1)[0];
        _key = new ObjectKey(ResourceKinds.Pod, "default", _pod.Metadata.Name);
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = KubeJson.Options.Encoder, SkipValidation = true });
    }

    [GlobalCleanup]
    public void Cleanup() => _writer.Dispose();

    [Benchmark]
    public int SerializePod()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset();
        KubeJson.Write(_writer, _pod);
        _writer.Flush();
        return _buffer.WrittenCount;
    }

    /// <summary>One line per operation into a fresh history (so Full's kept lines stay bounded), under each retention.</summary>
    [Benchmark(OperationsPerInvoke = Lines)]
    [Arguments(HistoryRetention.HashOnly)]
    [Arguments(HistoryRetention.Full)]
    public long AppendLines(HistoryRetention retention)
    {
        using var history = new CommitHistory(retention, SimTime.DefaultStart);
        for (var rv = 1; rv <= Lines; rv++) history.AppendChange(rv, SimTime.DefaultStart, WatchEventType.Modified, _key, _pod);
        return history.Bytes;
    }
}
