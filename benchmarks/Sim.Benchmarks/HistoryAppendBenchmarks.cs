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
/// (<see cref="KubeJson.Write"/>), and the whole appended line (serialize, hash, and keep the bytes under Full).
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class HistoryAppendBenchmarks
{
    private V1Pod _pod = null!;
    private ObjectKey _key;
    private CommitHistory _hashOnly = null!;
    private CommitHistory _full = null!;
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private Utf8JsonWriter _writer = null!;
    private long _rv;

    [GlobalSetup]
    public void Setup()
    {
        var server = SmallPods.Server(HistoryRetention.Off);
        _pod = SmallPods.CreateAll(server, 1)[0];
        _key = new ObjectKey(ResourceKinds.Pod, "default", _pod.Metadata.Name);
        _hashOnly = new CommitHistory(HistoryRetention.HashOnly, SimTime.DefaultStart);
        _full = new CommitHistory(HistoryRetention.Full, SimTime.DefaultStart);
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = KubeJson.Options.Encoder, SkipValidation = true });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _hashOnly.Dispose();
        _full.Dispose();
        _writer.Dispose();
    }

    [Benchmark]
    public int SerializePod()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset();
        KubeJson.Write(_writer, _pod);
        _writer.Flush();
        return _buffer.WrittenCount;
    }

    [Benchmark]
    public long AppendHashOnly()
    {
        _hashOnly.AppendChange(++_rv, SimTime.DefaultStart, WatchEventType.Modified, _key, _pod);
        return _hashOnly.Bytes;
    }

    /// <summary>Full retention keeps every line: memory grows with the number of invocations.</summary>
    [Benchmark]
    public long AppendFull()
    {
        _full.AppendChange(++_rv, SimTime.DefaultStart, WatchEventType.Modified, _key, _pod);
        return _full.Bytes;
    }
}
