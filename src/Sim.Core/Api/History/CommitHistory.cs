using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using k8s;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Core.Api.History;

/// <summary>
/// The append-only history of every committed change, in commit order, as the JSONL lines of contracts.md section 3,
/// with a running SHA-256 over exactly those bytes. Current state is a projection of it (see <see cref="ApiServer"/>).
/// </summary>
public sealed class CommitHistory : IDisposable
{
    private readonly IncrementalHash? _hash;

    // Lines are hashed in blocks: one call per line into OpenSSL costs more than hashing the line.
    private readonly byte[] _pendingHash = new byte[64 * 1024];
    private int _pendingHashLength;
    private readonly List<HistoryEntry> _entries = [];
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _writer;
    private readonly SimTime _origin;
    private string? _finalHash;
    private SimTime _lastTime;
    private byte[]? _lastTimeText;

    private readonly Stream? _sink;

    /// <summary>
    /// A history whose <c>time</c> field counts seconds from <paramref name="origin"/>; each line is also written to
    /// <paramref name="sink"/> as it is appended, when one is given (requires a retention other than Off).
    /// </summary>
    public CommitHistory(HistoryRetention retention, SimTime origin, Stream? sink = null)
    {
        if (sink is not null && retention == HistoryRetention.Off)
            throw new ArgumentException("A history file needs the history to be serialized; use HashOnly or Full retention.", nameof(sink));
        _sink = sink;
        Retention = retention;
        _origin = origin;
        if (retention != HistoryRetention.Off) _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = KubeJson.Options.Encoder, SkipValidation = true });
    }

    /// <summary>What this history keeps.</summary>
    public HistoryRetention Retention { get; }

    /// <summary>How many lines have been appended (kept or not).</summary>
    public long Count { get; private set; }

    /// <summary>How many bytes the history file would hold.</summary>
    public long Bytes { get; private set; }

    /// <summary>The kept entries (empty unless retention is <see cref="HistoryRetention.Full"/>).</summary>
    public IReadOnlyList<HistoryEntry> Entries => _entries;

    /// <summary>Called for each appended entry (e.g. to stream the file as the run goes).</summary>
    public event Action<HistoryEntry>? Appended;

    /// <summary>Appends a committed change.</summary>
    internal void AppendChange(long resourceVersion, SimTime time, WatchEventType type, ObjectKey key, KubeObject obj)
    {
        if (Retention == HistoryRetention.Off)
        {
            Count++;
            return;
        }
        _writer.Reset();
        _buffer.ResetWrittenCount();
        _writer.WriteStartObject();
        Span<byte> digits = stackalloc byte[20];
        resourceVersion.TryFormat(digits, out var length, default, System.Globalization.CultureInfo.InvariantCulture);
        _writer.WriteString("resourceVersion"u8, digits[..length]);
        _writer.WritePropertyName("time"u8);
        _writer.WriteRawValue(SecondsText(time), skipInputValidation: true);
        _writer.WriteString("type"u8, TypeNameUtf8(type));
        _writer.WritePropertyName("object"u8);
        KubeJson.Write(_writer, obj);
        _writer.WriteEndObject();
        Finish(resourceVersion, time, type, key);
    }

    /// <summary>Appends a simulation line (<c>"type":"SIM"</c>) recording an action on the world, such as a fault.</summary>
    public void AppendSimulationAction(SimTime time, string action, IReadOnlyDictionary<string, string> details)
    {
        if (Retention == HistoryRetention.Off)
        {
            Count++;
            return;
        }
        _writer.Reset();
        _buffer.ResetWrittenCount();
        _writer.WriteStartObject();
        _writer.WritePropertyName("time"u8);
        _writer.WriteRawValue(SecondsText(time), skipInputValidation: true);
        _writer.WriteString("type"u8, "SIM"u8);
        _writer.WriteString("action"u8, action);
        foreach (var kv in details.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            _writer.WriteString(kv.Key, kv.Value);
        _writer.WriteEndObject();
        Finish(0, time, null, null);
    }

    private void Finish(long resourceVersion, SimTime time, WatchEventType? type, ObjectKey? key)
    {
        _writer.Flush();
        _buffer.Write("\n"u8);
        var line = _buffer.WrittenSpan;
        if (_pendingHashLength + line.Length > _pendingHash.Length) FlushHash();
        if (line.Length > _pendingHash.Length) _hash!.AppendData(line);
        else
        {
            line.CopyTo(_pendingHash.AsSpan(_pendingHashLength));
            _pendingHashLength += line.Length;
        }
        _sink?.Write(line);
        Count++;
        Bytes += line.Length;
        HistoryEntry? entry = null;
        if (Retention == HistoryRetention.Full)
        {
            entry = new HistoryEntry(resourceVersion, time, type, key, line.ToArray());
            _entries.Add(entry);
        }
        if (Appended is { } appended)
            appended(entry ?? new HistoryEntry(resourceVersion, time, type, key, line.ToArray()));
    }

    /// <summary>
    /// The lowercase hex SHA-256 of every line appended so far, equal to <c>sha256sum</c> of the written file.
    /// Null when retention is <see cref="HistoryRetention.Off"/>.
    /// </summary>
    public string? Hash
    {
        get
        {
            if (_hash is null) return null;
            if (_finalHash is not null) return _finalHash;
            FlushHash();
            Span<byte> digest = stackalloc byte[32];
            _hash.GetCurrentHash(digest);
            return Convert.ToHexStringLower(digest);
        }
    }

    private void FlushHash()
    {
        if (_pendingHashLength == 0) return;
        _hash!.AppendData(_pendingHash, 0, _pendingHashLength);
        _pendingHashLength = 0;
    }

    /// <summary>Writes the kept history as the JSONL file of contracts.md section 3.</summary>
    public void WriteTo(Stream stream)
    {
        if (Retention != HistoryRetention.Full)
            throw new InvalidOperationException("The history was not retained; run with HistoryRetention.Full to write it.");
        foreach (var e in _entries) stream.Write(e.Line.Span);
    }

    // Many commits share an instant (everything a loop step writes): format its time once.
    // The seconds since the start, as SimDuration.ToSecondsString writes them, straight into a reused buffer: one is
    // written for every commit, and most commits of an idle cluster fall at instants of their own.
    private ReadOnlySpan<byte> SecondsText(SimTime time)
    {
        if (_lastTimeText is null || time != _lastTime)
        {
            _lastTime = time;
            _lastTimeText ??= new byte[48];
            _lastTimeLength = FormatSeconds(time - _origin, _lastTimeText);
        }
        return _lastTimeText.AsSpan(0, _lastTimeLength);
    }

    private int _lastTimeLength;

    private static int FormatSeconds(SimDuration span, Span<byte> buffer)
    {
        var ticks = span.Ticks;
        var whole = ticks / SimDuration.TicksPerSecond;
        var fraction = Math.Abs(ticks % SimDuration.TicksPerSecond);
        var length = 0;
        if (ticks < 0 && whole == 0) buffer[length++] = (byte)'-';
        whole.TryFormat(buffer[length..], out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        length += written;
        if (fraction == 0) return length;
        buffer[length++] = (byte)'.';
        for (var divisor = SimDuration.TicksPerSecond / 10; divisor > 0 && fraction > 0; divisor /= 10)
        {
            buffer[length++] = (byte)('0' + fraction / divisor);
            fraction %= divisor;
        }
        return length;
    }

    private static ReadOnlySpan<byte> TypeNameUtf8(WatchEventType type) => type switch
    {
        WatchEventType.Added => "ADDED"u8,
        WatchEventType.Modified => "MODIFIED"u8,
        WatchEventType.Deleted => "DELETED"u8,
        WatchEventType.Bookmark => "BOOKMARK"u8,
        _ => "ERROR"u8,
    };

    /// <summary>Kubernetes' watch event names.</summary>
    public static string TypeName(WatchEventType type) => type switch
    {
        WatchEventType.Added => "ADDED",
        WatchEventType.Modified => "MODIFIED",
        WatchEventType.Deleted => "DELETED",
        WatchEventType.Bookmark => "BOOKMARK",
        _ => "ERROR",
    };

    /// <summary>The line's text, for diagnostics.</summary>
    public static string LineText(HistoryEntry entry) => Encoding.UTF8.GetString(entry.Line.Span);

    /// <inheritdoc />
    public void Dispose()
    {
        _finalHash = Hash;
        _hash?.Dispose();
        _writer.Dispose();
    }
}
