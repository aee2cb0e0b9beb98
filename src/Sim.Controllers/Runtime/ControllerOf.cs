using k8s.Models;
using Sim.Core.Api.Selectors;

namespace Sim.Controllers.Runtime;

/// <summary>
/// Finds the owner an object belongs to, as every owning controller's <c>resolveControllerRef</c> does (the controller
/// reference's kind and name in the owner cache, and only if the uid is the same: a recreated owner of the same name
/// owns nothing of its predecessor's), and the owners whose selector picks an orphan (<c>getPodReplicaSets</c>,
/// <c>getPodJobs</c>, <c>getPodDaemonSets</c>, <c>getDeploymentsForReplicaSet</c>).
/// </summary>
public sealed class ControllerOf<TOwner> where TOwner : class, KubeObject
{
    private readonly Informer<TOwner> _owners;
    private readonly string _kind;
    private readonly Func<TOwner, V1LabelSelector?> _selectorOf;

    /// <summary>Owners of kind <paramref name="kind"/> from <paramref name="owners"/>, whose selector <paramref name="selectorOf"/> gives.</summary>
    public ControllerOf(Informer<TOwner> owners, string kind, Func<TOwner, V1LabelSelector?> selectorOf)
    {
        _owners = owners;
        _kind = kind;
        _selectorOf = selectorOf;
    }

    /// <summary>The cache of owners.</summary>
    public Informer<TOwner> Owners => _owners;

    /// <summary>The owner <paramref name="obj"/>'s controller reference names, if it is of this kind and in the cache with that uid.</summary>
    public TOwner? Resolve(KubeObject obj) => Resolve(obj.Metadata.NamespaceProperty, OwnerReferences.ControllerOf(obj));

    /// <summary>The owner a controller reference in <paramref name="ns"/> names, if it is of this kind and cached with that uid.</summary>
    public TOwner? Resolve(string? ns, V1OwnerReference? reference)
    {
        if (reference is null || reference.Kind != _kind) return null;
        var owner = _owners.Get(ns, reference.Name);
        return owner?.Metadata.Uid == reference.Uid ? owner : null;
    }

    /// <summary>
    /// The owners in <paramref name="orphan"/>'s namespace whose selector picks its labels, in name order. An owner
    /// whose selector is empty or does not parse selects nothing (upstream skips it rather than adopt everything).
    /// </summary>
    public List<TOwner> Selecting(KubeObject orphan)
    {
        var result = new List<TOwner>();
        foreach (var owner in _owners.ByIndex(InformerFactory.ByNamespace, orphan.Metadata.NamespaceProperty ?? ""))
        {
            if (!LabelSelector.TryFromV1Cached(_selectorOf(owner), out var selector, out _) || selector.IsEverything) continue;
            if (selector.Matches(orphan.Metadata.Labels)) result.Add(owner);
        }
        if (result.Count > 1) result.Sort(static (a, b) => string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name));
        return result;
    }
}
