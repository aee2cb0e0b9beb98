using k8s.Models;

namespace Sim.Controllers.GarbageCollector;

/// <summary>How an object's ownerReferences changed between two observations, matched by owner uid (<c>referencesDiffs</c>).</summary>
internal sealed record OwnerReferenceDiff(
    IReadOnlyList<V1OwnerReference> Added,
    IReadOnlyList<V1OwnerReference> Removed,
    IReadOnlyList<(V1OwnerReference Old, V1OwnerReference New)> Changed)
{
    /// <summary>Whether anything changed.</summary>
    public bool IsEmpty => Added.Count == 0 && Removed.Count == 0 && Changed.Count == 0;

    /// <summary>The difference from <paramref name="old"/> to <paramref name="current"/>, in list order.</summary>
    public static OwnerReferenceDiff Between(IReadOnlyList<V1OwnerReference> old, IReadOnlyList<V1OwnerReference> current)
    {
        var added = new List<V1OwnerReference>();
        var changed = new List<(V1OwnerReference, V1OwnerReference)>();
        var kept = new HashSet<string>();
        foreach (var reference in current)
        {
            var before = old.FirstOrDefault(r => r.Uid == reference.Uid);
            if (before is null)
            {
                added.Add(reference);
                continue;
            }
            kept.Add(reference.Uid);
            if (!SameReference(before, reference)) changed.Add((before, reference));
        }
        var removed = old.Where(r => !kept.Contains(r.Uid)).ToList();
        return new OwnerReferenceDiff(added, removed, changed);
    }

    /// <summary>Whether the references are the same, in the same order (most updates: nothing to diff).</summary>
    public static bool Unchanged(IReadOnlyList<V1OwnerReference> old, IReadOnlyList<V1OwnerReference> current)
    {
        if (ReferenceEquals(old, current)) return true;
        if (old.Count != current.Count) return false;
        for (var i = 0; i < old.Count; i++)
            if (!SameReference(old[i], current[i])) return false;
        return true;
    }

    /// <summary>Whether the reference keeps its owner from finishing a foreground deletion.</summary>
    public static bool Blocks(V1OwnerReference reference) => reference.BlockOwnerDeletion == true;

    private static bool SameReference(V1OwnerReference a, V1OwnerReference b) =>
        a.ApiVersion == b.ApiVersion && a.Kind == b.Kind && a.Name == b.Name && a.Uid == b.Uid
        && a.Controller == b.Controller && a.BlockOwnerDeletion == b.BlockOwnerDeletion;
}
