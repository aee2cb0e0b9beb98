using Sim.Core.Api;
using Sim.Core.Kernel;

namespace Sim.Controllers.Runtime;

/// <summary>
/// One shared informer per kind for a process (kube-controller-manager shares them between controllers), with the
/// indexes controllers ask for. Informers start together, after every controller registered its handlers.
/// </summary>
public sealed class InformerFactory(ApiClient client, EventLoop loop, SimRandom random)
{
    /// <summary>Index name: objects by namespace.</summary>
    public const string ByNamespace = "namespace";

    /// <summary>Index name: objects by the uid of each owner reference.</summary>
    public const string ByOwnerUid = "owner-uid";

    /// <summary>Index name: objects by the uid of their controller (the owner reference with controller: true).</summary>
    public const string ByControllerUid = "controller-uid";

    /// <summary>Index name: objects without a controller reference, by namespace (candidates for adoption).</summary>
    public const string OrphansByNamespace = "orphans";

    /// <summary>Index name: pods by node name.</summary>
    public const string ByNode = "node";

    private readonly Dictionary<Type, IInformer> _informers = [];
    private readonly List<IInformer> _order = [];

    /// <summary>The shared informer of <typeparamref name="T"/> (created with namespace and owner indexes).</summary>
    public Informer<T> For<T>() where T : class, KubeObject
    {
        if (_informers.TryGetValue(typeof(T), out var existing)) return (Informer<T>)existing;
        var informer = new Informer<T>(client, loop, random.Fork("reflector/" + typeof(T).Name));
        informer.AddIndex(ByNamespace, o => (string?)(o.Metadata.NamespaceProperty ?? ""));
        informer.AddIndex(ByOwnerUid, OwnerUids, SameOwnerUids);
        informer.AddIndex(ByControllerUid, o => OwnerReferences.ControllerOf(o)?.Uid);
        informer.AddIndex(OrphansByNamespace, o => OwnerReferences.ControllerOf(o) is null ? o.Metadata.NamespaceProperty ?? "" : null);
        if (typeof(T) == typeof(k8s.Models.V1Pod))
            informer.AddIndex(ByNode, o => ((k8s.Models.V1Pod)(object)o).Spec?.NodeName is { Length: > 0 } n ? n : null);
        _informers[typeof(T)] = informer;
        _order.Add(informer);
        return informer;
    }

    private static bool SameOwnerUids<T>(T a, T b) where T : KubeObject
    {
        var x = a.Metadata.OwnerReferences;
        var y = b.Metadata.OwnerReferences;
        if ((x?.Count ?? 0) != (y?.Count ?? 0)) return false;
        for (var i = 0; i < (x?.Count ?? 0); i++)
            if (x![i].Uid != y![i].Uid) return false;
        return true;
    }

    private static string[] OwnerUids<T>(T o) where T : KubeObject
    {
        var refs = o.Metadata.OwnerReferences;
        if (refs is null || refs.Count == 0) return [];
        if (refs.Count == 1) return [refs[0].Uid];
        var uids = new string[refs.Count];
        for (var i = 0; i < uids.Length; i++) uids[i] = refs[i].Uid;
        return uids;
    }

    /// <summary>Starts every informer, in the order they were first asked for, as work of the current lifetime.</summary>
    public void Start()
    {
        foreach (var informer in _order) informer.Start();
    }

    /// <summary>Whether every informer has loaded its first list.</summary>
    public bool HasSynced => _order.All(i => i.HasSynced);
}
