using k8s.Models;

namespace Sim.Core.Api.Registry.Storage;

/// <summary>storage.k8s.io/v1 StorageClass: Delete and Immediate by default; provisioner required and immutable.</summary>
internal sealed class StorageClassStrategy : KindStrategy<V1StorageClass>
{
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
