using k8s.Models;
using Sim.Core.Api.Selectors;

namespace Sim.Controllers.DaemonSet;

public sealed partial class DaemonSetController
{
    /// <summary>
    /// What a DaemonSet's passes saw last, so that a sync over exactly the same inputs skips the pass over the nodes.
    /// Half the syncs of a DaemonSet coming up follow its own status writes and find everything as before; a pass is
    /// a function of the pods (the index's version), the nodes (the node list's version), the spec (generation) and
    /// the current revision's hash, except where time enters: minReadySeconds, and the backoff of failed pods, which
    /// mark the pass as not to be skipped. Only the index's view counts: with something to claim there is no memo.
    /// </summary>
    private sealed class SyncMemo
    {
        /// <summary>The inputs of the last manage and rolling update that asked for nothing, or null.</summary>
        public (int Pods, int Nodes, long Generation, string Hash)? IdleAt;

        /// <summary>The inputs the status counts were last computed from.</summary>
        public (int Pods, int Nodes, long Generation, string Hash)? CountedAt;

        public DaemonSetCounts Counts;

        /// <summary>The pass in progress asked for creates or deletes.</summary>
        public bool Acted;

        /// <summary>The pass in progress met something that changes with time (a failed pod's backoff).</summary>
        public bool TimeDependent;
    }

    private readonly Dictionary<string, SyncMemo> _memos = new(StringComparer.Ordinal);

    private SyncMemo MemoOf(V1DaemonSet ds)
    {
        if (!_memos.TryGetValue(ds.Metadata.Uid, out var memo)) _memos[ds.Metadata.Uid] = memo = new SyncMemo();
        return memo;
    }

    // The inputs of a pass, or null when it cannot be remembered (availability depends on the time, or there is
    // something to claim).
    private (int Pods, int Nodes, long Generation, string Hash)? Inputs(V1DaemonSet ds, NodeList nodes, string hash)
    {
        if ((ds.Spec.MinReadySeconds ?? 0) != 0) return null;
        if (!LabelSelector.TryFromV1Cached(ds.Spec.Selector, out var selector, out _)) return null;
        var indexed = _daemonPods.Of(ds.Metadata.Uid);
        if (!NothingToClaim(ds, selector, indexed)) return null;
        return (indexed.Version, nodes.Version, ds.Metadata.Generation ?? 0, hash);
    }
}
