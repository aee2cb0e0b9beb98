using k8s.Models;
using Sim.Core.Kernel;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Controllers.NodeLifecycle;

/// <summary>
/// kube-controller-manager's node taint helpers (<c>controller.AddOrUpdateTaintOnNode</c>, <c>RemoveTaintOffNode</c>
/// and <c>nodeutil.SwapNodeControllerTaint</c>): each reads the node afresh, changes its taints and writes them back
/// with the read's resourceVersion, retrying a conflict up to five times 100-200 ms apart.
/// </summary>
internal sealed class NodeTaints(ApiClient client, SimRandom jitter)
{
    // UpdateTaintBackoff: 5 steps of 100 ms with jitter 1.0.
    private const int Steps = 5;
    private static readonly SimDuration RetryDelay = SimDuration.FromMilliseconds(100);

    /// <summary>Taints match when key and effect do (<c>Taint.MatchTaint</c>).</summary>
    public static bool Matches(V1Taint a, V1Taint b) => a.Key == b.Key && a.Effect == b.Effect;

    /// <summary>Whether a taint matching <paramref name="template"/> is among <paramref name="taints"/>.</summary>
    public static bool Exists(IEnumerable<V1Taint>? taints, V1Taint template)
    {
        if (taints is null) return false;
        foreach (var taint in taints)
            if (Matches(taint, template)) return true;
        return false;
    }

    // Whether any of the taints matching one of the templates is present.
    private static bool ExistsAny(IEnumerable<V1Taint>? taints, IReadOnlyList<V1Taint> templates)
    {
        if (taints is null) return false;
        foreach (var template in templates)
            if (Exists(taints, template)) return true;
        return false;
    }

    /// <summary>A taint with just a key and an effect.</summary>
    public static V1Taint Of(string key, string effect) => new() { Key = key, Effect = effect };

    /// <summary>
    /// <c>SwapNodeControllerTaint</c>: adds <paramref name="add"/> stamped with the current time, then removes
    /// <paramref name="remove"/>; true when both writes went through (or were not needed).
    /// </summary>
    public async ValueTask<bool> Swap(IReadOnlyList<V1Taint> add, IReadOnlyList<V1Taint> remove, V1Node node)
    {
        var now = client.Loop.Now.ToKubeTime();
        var stamped = add.Select(t => new V1Taint { Key = t.Key, Value = t.Value, Effect = t.Effect, TimeAdded = now }).ToList();
        if (await AddOrUpdate(node.Metadata.Name, stamped) is not null) return false;
        return await Remove(node.Metadata.Name, node, remove) is null;
    }

    /// <summary>
    /// <c>AddOrUpdateTaintOnNode</c>: each taint replaces the one matching it (unless equal) or is appended. Null on
    /// success, else the error.
    /// </summary>
    public ValueTask<string?> AddOrUpdate(string nodeName, IReadOnlyList<V1Taint> taints)
    {
        if (taints.Count == 0) return ValueTask.FromResult<string?>(null);
        return Change(nodeName, current =>
        {
            var next = current.ToList();
            var updated = false;
            foreach (var taint in taints)
            {
                var i = next.FindIndex(t => Matches(t, taint));
                if (i < 0)
                {
                    next.Add(taint);
                    updated = true;
                }
                else if (!ModelCopy.SemanticEquals(next[i], taint))
                {
                    next[i] = taint;
                    updated = true;
                }
            }
            return updated ? next : null;
        });
    }

    /// <summary>
    /// <c>RemoveTaintOffNode</c>: removes every taint matching one of <paramref name="taints"/>; no request at all when the
    /// node as given (a cached copy) carries none of them. Null on success, else the error.
    /// </summary>
    public ValueTask<string?> Remove(string nodeName, V1Node? cached, IReadOnlyList<V1Taint> taints)
    {
        if (taints.Count == 0) return ValueTask.FromResult<string?>(null);
        // Short circuit for limiting the amount of API calls.
        if (cached is not null && !ExistsAny(cached.Spec?.Taints, taints)) return ValueTask.FromResult<string?>(null);
        return RemoveFromNode(nodeName, taints);
    }

    // Kept apart from the short circuit above so that its closure is made only when a request goes out.
    private ValueTask<string?> RemoveFromNode(string nodeName, IReadOnlyList<V1Taint> taints)
    {
        return Change(nodeName, current =>
        {
            if (!ExistsAny(current, taints)) return null;
            return current.Where(c => !taints.Any(t => Matches(c, t))).ToList();
        });
    }

    // Reads the node, asks for its new taints (null: nothing to change) and writes them with the read's version.
    private async ValueTask<string?> Change(string nodeName, Func<IReadOnlyList<V1Taint>, List<V1Taint>?> change)
    {
        for (var attempt = 1; ; attempt++)
        {
            var got = await client.Get<V1Node>(nodeName);
            if (!got.IsSuccess) return got.Error!.Message;
            var node = got.Value!;
            var taints = change((IReadOnlyList<V1Taint>?)node.Spec?.Taints?.ToList() ?? []);
            if (taints is null) return null;
            var copy = ModelCopy.Clone(node);
            copy.Spec ??= new V1NodeSpec();
            copy.Spec.Taints = taints.Count == 0 ? null : taints;
            var written = await client.Update(copy);
            if (written.IsSuccess) return null;
            if (!written.IsConflict || attempt == Steps) return written.Error!.Message;
            await client.Loop.Delay(RetryDelay + new SimDuration((long)(jitter.NextDouble() * RetryDelay.Ticks)));
        }
    }
}
