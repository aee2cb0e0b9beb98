using k8s.Models;
using Sim.Core.Serialization;

namespace Sim.Controllers.PersistentVolume;

// provisionClaim: find the class's provisioner and hand the claim to it, as an operation of its own.
public sealed partial class PersistentVolumeController
{
    private void ProvisionClaim(V1PersistentVolumeClaim claim)
    {
        var (cls, error) = FindProvisionableClass(claim);
        if (error is not null)
        {
            // No provisioner to ask; every later sync of the claim says so again.
            _events.Warning(claim, "ProvisioningFailed", error);
            return;
        }
        _operations.Run($"provision-{VolumeHelpers.ClaimKey(claim)}[{claim.Metadata.Uid}]", () => ProvisionClaimOperationExternal(claim, cls!));
    }

    // findProvisionablePlugin: no in-tree provisioner is left on in 1.32, so a class's provisioner is external unless
    // it is an unmigrated kubernetes.io/ name (kubernetes.io/no-provisioner above all), which matches no plugin.
    private (V1StorageClass? Class, string? Error) FindProvisionableClass(V1PersistentVolumeClaim claim)
    {
        var className = VolumeHelpers.ClaimClass(claim);
        if (ClassNamed(className) is not { } cls) return (null, $"storageclass.storage.k8s.io \"{className}\" not found");
        var provisioner = cls.Provisioner ?? "";
        if (provisioner.StartsWith("kubernetes.io/", StringComparison.Ordinal) && VolumeHelpers.MigratedDriver(provisioner) is null)
            return (cls, $"no volume plugin matched name: {provisioner}");
        return (cls, null);
    }

    // provisionClaimOperationExternal: tell the provisioner by annotating the claim, and tell the user that a volume
    // is awaited. True when it succeeded (a failed save backs off).
    private async ValueTask<bool> ProvisionClaimOperationExternal(V1PersistentVolumeClaim claim, V1StorageClass cls)
    {
        var provisioner = VolumeHelpers.MigratedDriver(cls.Provisioner) ?? cls.Provisioner;
        var (annotated, error) = await SetClaimProvisioner(claim, provisioner);
        if (error is not null)
        {
            _events.Warning(claim, "ProvisioningFailed", $"Error saving claim: {error}");
            return false;
        }
        _events.Normal(annotated!, "ExternalProvisioning",
            $"Waiting for a volume to be created either by the external provisioner '{provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.");
        return true;
    }

    // setClaimProvisioner: both spellings of the storage-provisioner annotation (and migrated-to for a migrated class).
    private async ValueTask<(V1PersistentVolumeClaim? Claim, string? Error)> SetClaimProvisioner(V1PersistentVolumeClaim claim, string provisioner)
    {
        if (VolumeHelpers.Annotation(claim, VolumeHelpers.AnnStorageProvisioner) == provisioner) return (claim, null);
        var clone = ModelCopy.Clone(claim);
        VolumeHelpers.SetAnnotation(clone, VolumeHelpers.AnnBetaStorageProvisioner, provisioner);
        VolumeHelpers.SetAnnotation(clone, VolumeHelpers.AnnStorageProvisioner, provisioner);
        if (ClassNamed(VolumeHelpers.ClaimClass(claim)) is { } cls && VolumeHelpers.MigratedDriver(cls.Provisioner) is { } driver)
            VolumeHelpers.SetAnnotation(clone, VolumeHelpers.AnnMigratedTo, driver);
        var written = await _client.Update(clone);
        if (!written.IsSuccess) return (null, written.Error!.Message);
        StoreClaim(written.Value!);
        return (written.Value, null);
    }
}
