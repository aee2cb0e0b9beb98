using k8s.Models;

namespace Sim.Core.Api.Registry.Storage;

/// <summary>storage.k8s.io/v1 StorageClass: Delete and Immediate by default; provisioner required and immutable.</summary>
internal sealed class StorageClassStrategy : KindStrategy<V1StorageClass>
{
    /// <summary>The annotation that makes a class the default one (DefaultStorageClass admission).</summary>
    public const string DefaultClassAnnotation = "storageclass.kubernetes.io/is-default-class";

    /// <summary>Its beta spelling, still honoured (storageutil.IsDefaultAnnotation).</summary>
    public const string BetaDefaultClassAnnotation = "storageclass.beta.kubernetes.io/is-default-class";

    /// <summary>
    /// The classes a KubeSim cluster starts with (contracts.md). A real cluster gets them from its distribution, not
    /// from kube-apiserver: <c>standard</c> is minikube's storage-provisioner addon class, verbatim (an Immediate
    /// host-path provisioner, the one well-known default class that binds at once; kind's <c>rancher.io/local-path</c>
    /// class waits for the first consumer), and <c>longhorn</c> is the class Longhorn's chart installs for the seed's
    /// StatefulSet, installed with <c>persistence.defaultClass=false</c> so that <c>standard</c> stays the default.
    /// </summary>
    public static IEnumerable<V1StorageClass> AtStart() =>
    [
        new V1StorageClass
        {
            Metadata = new V1ObjectMeta
            {
                Name = "standard",
                Annotations = new Dictionary<string, string> { [DefaultClassAnnotation] = "true" },
                Labels = new Dictionary<string, string> { ["addonmanager.kubernetes.io/mode"] = "EnsureExists" },
            },
            Provisioner = "k8s.io/minikube-hostpath",
        },
        new V1StorageClass
        {
            Metadata = new V1ObjectMeta
            {
                Name = "longhorn",
                Annotations = new Dictionary<string, string> { [DefaultClassAnnotation] = "false" },
            },
            Provisioner = "driver.longhorn.io",
            AllowVolumeExpansion = true,
            ReclaimPolicy = "Delete",
            VolumeBindingMode = "Immediate",
            Parameters = new Dictionary<string, string>
            {
                ["numberOfReplicas"] = "3",
                ["staleReplicaTimeout"] = "30",
                ["fromBackup"] = "",
                ["fsType"] = "ext4",
                ["dataLocality"] = "disabled",
                ["unmapMarkSnapDevice"] = "false",
                ["dataEngine"] = "v1",
            },
        },
    ];

    /// <summary>Whether a class is marked default (either annotation set to "true").</summary>
    public static bool IsDefault(V1StorageClass sc) =>
        sc.Metadata.Annotations is { } a
        && ((a.TryGetValue(DefaultClassAnnotation, out var v) && v == "true") || (a.TryGetValue(BetaDefaultClassAnnotation, out var b) && b == "true"));

    /// <summary>
    /// util.GetDefaultClass: of several default classes the newest wins, then the first name (two defaults are allowed
    /// since 1.26, so that a new default can be put in place before the old one is unmarked).
    /// </summary>
    public static V1StorageClass? DefaultClass(ApiServer server)
    {
        V1StorageClass? best = null;
        foreach (V1StorageClass sc in server.Unordered(ResourceKinds.StorageClass))
        {
            if (!IsDefault(sc)) continue;
            if (best is null) { best = sc; continue; }
            var created = Nullable.Compare(sc.Metadata.CreationTimestamp, best.Metadata.CreationTimestamp);
            if (created > 0 || (created == 0 && string.CompareOrdinal(sc.Metadata.Name, best.Metadata.Name) < 0)) best = sc;
        }
        return best;
    }

    protected override void Default(V1StorageClass sc)
    {
        sc.ReclaimPolicy ??= "Delete";
        sc.VolumeBindingMode ??= "Immediate";
    }

    protected override bool ChangesGeneration(V1StorageClass obj, V1StorageClass old) => false;

    protected override IEnumerable<FieldError> Validate(V1StorageClass sc)
    {
        if (string.IsNullOrEmpty(sc.Provisioner)) yield return FieldError.Required("provisioner");
        if (sc.ReclaimPolicy is { } p && p is not ("Retain" or "Delete"))
            yield return FieldError.NotSupported("reclaimPolicy", p, "Delete", "Retain");
        if (sc.VolumeBindingMode is { } m && m is not ("Immediate" or "WaitForFirstConsumer"))
            yield return FieldError.NotSupported("volumeBindingMode", m, "Immediate", "WaitForFirstConsumer");
    }

    protected override IEnumerable<FieldError> ValidateUpdate(V1StorageClass sc, V1StorageClass old) =>
        Validate(sc)
            .Concat(Registry.Validate.Immutable("provisioner", sc.Provisioner, old.Provisioner))
            .Concat(Registry.Validate.Immutable("parameters", sc.Parameters, old.Parameters, new GoLiteral("map[string]string{...}")))
            .Concat(Registry.Validate.Immutable("reclaimPolicy", sc.ReclaimPolicy, old.ReclaimPolicy))
            .Concat(Registry.Validate.Immutable("volumeBindingMode", sc.VolumeBindingMode, old.VolumeBindingMode));
}
