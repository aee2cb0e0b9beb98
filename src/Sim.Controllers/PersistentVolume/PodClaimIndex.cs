using k8s.Models;

namespace Sim.Controllers.PersistentVolume;

/// <summary>
/// The pod informer's index of the claims each pod uses (upstream's common.PodPVCIndex), keyed
/// <c>namespace/claim</c>: a persistentVolumeClaim volume names its claim, a generic ephemeral volume's claim is
/// <c>pod-volume</c>. Shared by the PV and PVC-protection controllers; adding it twice replaces it with itself.
/// </summary>
internal static class PodClaimIndex
{
    private const string Name = "pod-pvc";

    /// <summary>Adds the index to the shared pod informer (before it starts).</summary>
    // A pod's volumes are immutable: an update of the same pod keeps its keys.
    public static void AddTo(Informer<V1Pod> pods) => pods.AddIndex(Name, Keys, static (a, b) => a.Metadata.Uid == b.Metadata.Uid);

    /// <summary>The keys of the claims a pod's volumes use.</summary>
    public static string[] Keys(V1Pod pod)
    {
        var volumes = pod.Spec?.Volumes;
        if (volumes is null || volumes.Count == 0) return [];
        List<string>? keys = null;
        foreach (var v in volumes)
        {
            var claim = v.PersistentVolumeClaim?.ClaimName ?? (v.Ephemeral is not null ? pod.Metadata.Name + "-" + v.Name : null);
            if (claim is null) continue;
            (keys ??= []).Add(pod.Metadata.NamespaceProperty + "/" + claim);
        }
        return keys is null ? [] : [.. keys];
    }

    /// <summary>The cached pods using claim <paramref name="claim"/> of <paramref name="ns"/>, in name order.</summary>
    public static List<V1Pod> PodsUsing(Informer<V1Pod> pods, string ns, string claim) =>
        [.. pods.ByIndex(Name, ns + "/" + claim).OrderBy(p => p.Metadata.Name, StringComparer.Ordinal)];
}
