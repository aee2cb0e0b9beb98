using Sim.Core.Time;

namespace Sim.Controllers.Runtime;

/// <summary>
/// Kubernetes' controller expectations: after asking for creates or deletes, a controller does not act on an owner
/// again until its informer has seen them (or five minutes pass), so it never double-creates from a stale cache.
/// </summary>
public sealed class ControllerExpectations
{
    /// <summary>How long expectations stay valid.</summary>
    public static readonly SimDuration Timeout = SimDuration.FromMinutes(5);

    private sealed class Entry
    {
        public int Adds;
        public HashSet<string> Deletes = [];
        public SimTime SetAt;
    }

    private readonly Dictionary<NamespacedName, Entry> _entries = [];

    /// <summary>Whether the owner's earlier creates and deletes have all been observed (or expired).</summary>
    public bool Satisfied(NamespacedName key, SimTime now)
    {
        if (!_entries.TryGetValue(key, out var e)) return true;
        if (e.Adds <= 0 && e.Deletes.Count == 0) return true;
        return now - e.SetAt > Timeout;
    }

    /// <summary>Records <paramref name="count"/> creates about to be made.</summary>
    public void ExpectCreations(NamespacedName key, int count, SimTime now) => SetExpectations(key, count, [], now);

    /// <summary>Records deletes of pods with these uids about to be made.</summary>
    public void ExpectDeletions(NamespacedName key, IEnumerable<string> uids, SimTime now) => SetExpectations(key, 0, uids, now);

    /// <summary>Records creates and deletes about to be made together (the DaemonSet controller's <c>SetExpectations</c>), replacing what was expected.</summary>
    public void SetExpectations(NamespacedName key, int adds, IEnumerable<string> deleteUids, SimTime now) =>
        _entries[key] = new Entry { Adds = adds, Deletes = [.. deleteUids], SetAt = now };

    /// <summary>One create was seen (or will never happen).</summary>
    public void CreationObserved(NamespacedName key)
    {
        if (_entries.TryGetValue(key, out var e)) e.Adds--;
    }

    /// <summary>A delete was seen (or will never happen).</summary>
    public void DeletionObserved(NamespacedName key, string uid)
    {
        if (_entries.TryGetValue(key, out var e)) e.Deletes.Remove(uid);
    }

    /// <summary>Forgets an owner.</summary>
    public void Delete(NamespacedName key) => _entries.Remove(key);
}
