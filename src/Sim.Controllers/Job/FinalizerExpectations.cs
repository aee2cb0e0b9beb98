using Sim.Controllers.Runtime;

namespace Sim.Controllers.Job;

/// <summary>
/// The pods whose tracking finalizer a Job's sync asked to remove and whose informer update has not shown it gone yet
/// (<c>uidTrackingExpectations</c>): a later sync, still reading the old pod, must not count it a second time.
/// </summary>
internal sealed class FinalizerExpectations
{
    private static readonly HashSet<string> None = [];
    private readonly Dictionary<NamespacedName, HashSet<string>> _expected = [];

    /// <summary>The uids still expected for <paramref name="job"/> (a snapshot: later removals do not change it).</summary>
    public HashSet<string> ExpectedUids(NamespacedName job) =>
        _expected.TryGetValue(job, out var uids) && uids.Count > 0 ? new HashSet<string>(uids, StringComparer.Ordinal) : None;

    /// <summary>Records that the finalizers of pods with <paramref name="uids"/> are being removed.</summary>
    public void ExpectRemoved(NamespacedName job, IEnumerable<string> uids)
    {
        if (!_expected.TryGetValue(job, out var set)) _expected[job] = set = new HashSet<string>(StringComparer.Ordinal);
        set.UnionWith(uids);
    }

    /// <summary>A pod's finalizer was seen gone (or its removal failed and will not be seen).</summary>
    public void RemovalObserved(NamespacedName job, string uid)
    {
        if (_expected.TryGetValue(job, out var set)) set.Remove(uid);
    }

    /// <summary>Forgets a deleted Job.</summary>
    public void Delete(NamespacedName job) => _expected.Remove(job);
}
