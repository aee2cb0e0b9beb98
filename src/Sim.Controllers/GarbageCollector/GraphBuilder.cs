using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Events;

namespace Sim.Controllers.GarbageCollector;

/// <summary>
/// Keeps the dependency graph in step with the informers and decides what to look at, as Kubernetes'
/// <c>GraphBuilder.processGraphChanges</c>: it never writes objects, it only queues uids for the attempt-to-delete
/// and attempt-to-orphan workers.
/// </summary>
/// <remarks>
/// Upstream runs graph changes through a queue of their own; here handlers already run one at a time in commit order
/// on the loop, so they update the graph at once.
/// </remarks>
internal sealed class GraphBuilder(DependencyGraph graph, Action<string> attemptToDelete, Action<string> attemptToOrphan, EventRecorder recorder)
{
    /// <summary>An object was listed or created.</summary>
    public void OnAdded(ResourceKind kind, KubeObject obj) => Observe(kind, null, obj);

    /// <summary>An object changed.</summary>
    public void OnUpdated(ResourceKind kind, KubeObject old, KubeObject obj) => Observe(kind, old, obj);

    /// <summary>An object is gone: its dependents may now be garbage, and a foreground owner may now be unblocked.</summary>
    public void OnDeleted(ResourceKind kind, KubeObject obj)
    {
        var removed = graph.Remove(obj.Metadata.Uid);
        if (removed is null) return;
        foreach (var dependent in graph.DependentsOf(removed.Uid)) attemptToDelete(dependent.Uid);
        foreach (var reference in removed.Owners)
        {
            // An owner deleting in the foreground waits for this dependent: let it check whether it is done.
            if (graph.Get(reference.Uid) is { DeletingDependents: true } owner) attemptToDelete(owner.Uid);
        }
    }

    private void Observe(ResourceKind kind, KubeObject? oldObj, KubeObject obj)
    {
        if (oldObj is not null && graph.Get(obj.Metadata.Uid) is { } same && same.Describes(obj))
        {
            ProcessTransitions(oldObj, obj, same);
            return;
        }
        var node = GraphNode.Of(kind, obj);
        var existing = graph.Get(node.Uid);
        IEnumerable<V1OwnerReference> newReferences;
        if (existing is null)
        {
            graph.Put(node);
            newReferences = node.Owners;
            EnqueueDependentsNotMatching(node);
        }
        else if (OwnerReferenceDiff.Unchanged(existing.Owners, node.Owners))
        {
            graph.Put(node);
            newReferences = [];
        }
        else
        {
            var diff = OwnerReferenceDiff.Between(existing.Owners, node.Owners);
            EnqueueUnblockedOwners(diff);
            graph.Put(node);
            newReferences = diff.Added.Concat(diff.Changed.Select(c => c.New));
        }

        // A reference the graph cannot vouch for (owner never observed, or observed elsewhere) is verified through
        // the API by the attempt-to-delete worker, which collects the object if no owner checks out.
        if (newReferences.Any(r => !Vouched(node, r, obj))) attemptToDelete(node.Uid);
        ProcessTransitions(oldObj, obj, node);
    }

    // A DELETE with Orphan or Foreground propagation shows up as deletionTimestamp plus the matching finalizer.
    private void ProcessTransitions(KubeObject? oldObj, KubeObject obj, GraphNode node)
    {
        if (StartsDeletionWith(oldObj, obj, Finalizers.Orphan))
        {
            attemptToOrphan(node.Uid);
            return;
        }
        if (StartsDeletionWith(oldObj, obj, Finalizers.ForegroundDeletion))
        {
            foreach (var dependent in graph.DependentsOf(node.Uid)) attemptToDelete(dependent.Uid);
            attemptToDelete(node.Uid);
        }
    }

    private static bool StartsDeletionWith(KubeObject? oldObj, KubeObject obj, string finalizer)
    {
        if (!DeletionState.BeingDeleted(obj) || !DeletionState.HasFinalizer(obj, finalizer)) return false;
        return oldObj is null || !DeletionState.BeingDeleted(oldObj) || !DeletionState.HasFinalizer(oldObj, finalizer);
    }

    // A blocking reference that went away or stopped blocking may be the last thing a foreground owner waits for.
    private void EnqueueUnblockedOwners(OwnerReferenceDiff diff)
    {
        var unblocked = diff.Removed.Where(OwnerReferenceDiff.Blocks)
            .Concat(diff.Changed.Where(c => OwnerReferenceDiff.Blocks(c.Old) && !OwnerReferenceDiff.Blocks(c.New)).Select(c => c.New));
        foreach (var reference in unblocked)
        {
            if (graph.Get(reference.Uid) is { } owner) attemptToDelete(owner.Uid);
        }
    }

    // The "bad child observed before its good parent" order: dependents already pointing at this uid with other
    // coordinates are verified now that the real owner is known.
    private void EnqueueDependentsNotMatching(GraphNode owner)
    {
        foreach (var dependent in graph.DependentsOf(owner.Uid))
        {
            if (dependent.OwnerReferenceTo(owner.Uid) is { } reference && !Matches(owner.Identity, dependent.Identity, reference))
                attemptToDelete(dependent.Uid);
        }
    }

    private bool Vouched(GraphNode dependent, V1OwnerReference reference, KubeObject obj)
    {
        var owner = graph.Get(reference.Uid);
        if (owner is null) return false;
        if (owner.Identity.Kind.Namespaced && owner.Identity.Namespace != dependent.Identity.Namespace)
        {
            // Owners must be cluster-scoped or in the dependent's namespace; say so on the dependent, as Kubernetes does.
            recorder.Warning(obj, "OwnerRefInvalidNamespace",
                $"ownerRef [{reference.ApiVersion}/{reference.Kind}, namespace: {dependent.Identity.Namespace}, name: {reference.Name}, uid: {reference.Uid}] does not exist in namespace \"{dependent.Identity.Namespace}\"");
            return false;
        }
        return Matches(owner.Identity, dependent.Identity, reference);
    }

    private static bool Matches(NodeIdentity owner, NodeIdentity dependent, V1OwnerReference reference) =>
        reference.ApiVersion == owner.Kind.ApiVersion && reference.Kind == owner.Kind.Kind && reference.Name == owner.Name
        && (!owner.Kind.Namespaced || owner.Namespace == dependent.Namespace);
}
