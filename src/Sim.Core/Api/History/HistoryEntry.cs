using k8s;
using Sim.Core.Time;

namespace Sim.Core.Api.History;

/// <summary>One committed change as it appears in the history file: one JSONL line, newline included.</summary>
/// <param name="ResourceVersion">The cluster-wide revision of the change (0 for simulation lines).</param>
/// <param name="Time">The virtual instant of the commit.</param>
/// <param name="Type">ADDED, MODIFIED or DELETED; null for a simulation (SIM) line.</param>
/// <param name="Key">The object changed; null for a simulation line.</param>
/// <param name="Line">The UTF-8 line exactly as written to the file.</param>
public sealed record HistoryEntry(long ResourceVersion, SimTime Time, WatchEventType? Type, ObjectKey? Key, ReadOnlyMemory<byte> Line);
