using k8s.Models;
using Sim.Core.Api;

namespace Sim.Controllers.GarbageCollector;

/// <summary>
/// One observed object in the dependency graph: its identity, the owner references it carried when last seen and
/// the deletion state the collector acts on. Immutable: a change to the object replaces the node.
/// </summary>
internal sealed record GraphNode(NodeIdentity Identity, IReadOnlyList<V1OwnerReference> Owners, bool BeingDeleted, bool DeletingDependents)
{
    /// <summary>The uid (the graph's key).</summary>
    public string Uid => Identity.Uid;

    /// <summary>The node for an object of <paramref name="kind"/> as an informer delivered it.</summary>
    public static GraphNode Of(ResourceKind kind, KubeObject obj) => new(
        NodeIdentity.Of(kind, obj),
        obj.Metadata.OwnerReferences?.ToList() ?? [],
        DeletionState.BeingDeleted(obj),
        DeletionState.DeletingDependents(obj));

    /// <summary>
    /// Whether <paramref name="obj"/> says nothing new to the collector (same owners, same deletion state): most
    /// updates, such as every lease renewal, need no new node.
    /// </summary>
    public bool Describes(KubeObject obj) =>
        BeingDeleted == DeletionState.BeingDeleted(obj) && DeletingDependents == DeletionState.DeletingDependents(obj)
        && OwnerReferenceDiff.Unchanged(Owners, obj.Metadata.OwnerReferences as IReadOnlyList<V1OwnerReference> ?? obj.Metadata.OwnerReferences?.ToList() ?? []);

    /// <summary>This node's reference to <paramref name="ownerUid"/>, if it has one.</summary>
    public V1OwnerReference? OwnerReferenceTo(string ownerUid) => Owners.FirstOrDefault(r => r.Uid == ownerUid);
}
