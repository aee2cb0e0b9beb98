namespace Sim.Core.Api.History;

/// <summary>How much of the committed history a run keeps in memory.</summary>
public enum HistoryRetention
{
    /// <summary>Keep every entry (needed for replay to a past time and for writing the history file).</summary>
    Full,

    /// <summary>Serialize and hash every entry but keep only the running hash and the count.</summary>
    HashOnly,

    /// <summary>Neither serialize nor hash (fastest; no hash, no replay).</summary>
    Off,
}
