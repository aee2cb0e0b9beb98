using k8s.Models;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Controllers.DaemonSet;

public sealed partial class DaemonSetController
{
    /// <summary>What <c>updateDaemonSetStatus</c> counts over the nodes.</summary>
    private readonly record struct DaemonSetCounts(int Desired, int Current, int Misscheduled, int Ready, int Updated, int Available)
    {
        public int Unavailable => Desired - Available;
    }

    /// <summary>
    /// updateDaemonSetStatus: over the nodes that should run a daemon pod (desiredNumberScheduled), those that have one
    /// (current), and of the oldest pod on each, whether it is ready, available and of the current revision; pods on
    /// nodes that should not have one are misscheduled. Written when anything changed; with minReadySeconds, looked at
    /// again that much later while some ready pod is not yet available.
    /// </summary>
    private async ValueTask<string?> UpdateDaemonSetStatus(V1DaemonSet ds, NodeList nodes, string hash, bool updateObservedGen)
    {
        var (byNode, error) = await NodesToDaemonPods(ds, nodes, includeDeletedTerminal: false);
        if (error is not null) return MappingError(ds, error);
        var memo = MemoOf(ds);
        var inputs = Inputs(ds, nodes, hash);
        DaemonSetCounts counts;
        if (inputs is not null && memo.CountedAt == inputs)
        {
            counts = memo.Counts;
        }
        else
        {
            counts = Count(ds, nodes, byNode!, hash);
            (memo.CountedAt, memo.Counts) = (inputs, counts);
        }
        if (await StoreDaemonSetStatus(ds, counts, updateObservedGen) is { } storeError)
            return $"error storing status for daemon set {ds.Metadata.NamespaceProperty}/{ds.Metadata.Name}: {storeError}";
        // A last line of defence against clock skew: look again once minReadySeconds have passed.
        if (ds.Spec.MinReadySeconds is > 0 and var minReady && counts.Ready != counts.Available) Queue.AddAfter(Key(ds), SimDuration.FromSeconds(minReady));
        return null;
    }

    private DaemonSetCounts Count(V1DaemonSet ds, NodeList nodes, DaemonPodMap byNode, string hash)
    {
        var now = Context.Now;
        var minReady = ds.Spec.MinReadySeconds ?? 0;
        var generation = DaemonSetUtil.GenerationText(DaemonSetUtil.TemplateGeneration(ds));
        int desired = 0, current = 0, misscheduled = 0, ready = 0, updated = 0, available = 0;
        for (var i = 0; i < nodes.Count; i++)
        {
            var shouldRun = nodes.Should[i].ShouldRun;
            var pods = byNode.At(i);
            var scheduled = pods.Count > 0;
            if (!shouldRun)
            {
                if (scheduled) misscheduled++;
                continue;
            }
            desired++;
            if (!scheduled) continue;
            current++;
            // The oldest (scheduled first): the lists are sorted so.
            var pod = pods[0];
            if (pod.Ready)
            {
                ready++;
                if (pod.IsAvailable(minReady, now)) available++;
            }
            if (pod.IsUpdated(hash, generation)) updated++;
        }
        return new DaemonSetCounts(desired, current, misscheduled, ready, updated, available);
    }

    /// <summary>
    /// storeDaemonSetStatus: nothing when the counts are as recorded and observedGeneration is current; otherwise a
    /// status write, retried once on a fresh read of the DaemonSet (a conflict, say), the error returned after that.
    /// </summary>
    private async ValueTask<string?> StoreDaemonSetStatus(V1DaemonSet ds, DaemonSetCounts c, bool updateObservedGen)
    {
        var s = ds.Status;
        if ((s?.DesiredNumberScheduled ?? 0) == c.Desired && (s?.CurrentNumberScheduled ?? 0) == c.Current
            && (s?.NumberMisscheduled ?? 0) == c.Misscheduled && (s?.NumberReady ?? 0) == c.Ready
            && (s?.UpdatedNumberScheduled ?? 0) == c.Updated && (s?.NumberAvailable ?? 0) == c.Available
            && (s?.NumberUnavailable ?? 0) == c.Unavailable && (s?.ObservedGeneration ?? 0) >= (ds.Metadata.Generation ?? 0))
            return null;
        var toUpdate = ds;
        string? updateError = null;
        for (var i = 0; ; i++)
        {
            var status = toUpdate.Status is null ? new V1DaemonSetStatus() : ModelCopy.Clone(toUpdate.Status);
            if (updateObservedGen) status.ObservedGeneration = ds.Metadata.Generation;
            status.DesiredNumberScheduled = c.Desired;
            status.CurrentNumberScheduled = c.Current;
            status.NumberMisscheduled = c.Misscheduled;
            status.NumberReady = c.Ready;
            // Go's omitempty: a zero is not written, and reads back absent.
            status.UpdatedNumberScheduled = c.Updated == 0 ? null : c.Updated;
            status.NumberAvailable = c.Available == 0 ? null : c.Available;
            status.NumberUnavailable = c.Unavailable == 0 ? null : c.Unavailable;
            if (status.ObservedGeneration == 0) status.ObservedGeneration = null;
            var write = ModelCopy.ShallowCopy(toUpdate);
            write.Status = status;
            var result = await Client.UpdateStatus(write);
            if (result.IsSuccess) return null;
            updateError = result.Error!.Message;
            // Past the retries the DaemonSet is requeued with backoff.
            if (i >= StatusUpdateRetries) break;
            var fresh = await Client.Get<V1DaemonSet>(ds.Metadata.NamespaceProperty, ds.Metadata.Name);
            // Without a fresh read nothing here can be trusted; that error says more than the write's.
            if (!fresh.IsSuccess) return fresh.Error!.Message;
            toUpdate = fresh.Value!;
        }
        return updateError;
    }
}
