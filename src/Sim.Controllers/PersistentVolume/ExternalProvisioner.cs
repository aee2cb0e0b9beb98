using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Events;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Controllers.PersistentVolume;

/// <summary>
/// An external provisioner (sig-storage-lib-external-provisioner's ProvisionController, which minikube's
/// storage-provisioner and the CSI external-provisioner are built on) for one provisioner name: it provisions the
/// claims the PV controller annotated for it (for a WaitForFirstConsumer class, once the scheduler has chosen a node)
/// by creating a volume named <c>pvc-&lt;claim uid&gt;</c> pre-bound to the claim, and deletes the Released volumes
/// it provisioned whose reclaim policy is Delete. The PV controller does the binding.
/// </summary>
/// <remarks>
/// A real cluster runs it as a pod (minikube's <c>kube-system/storage-provisioner</c>, Longhorn's
/// <c>longhorn-system/csi-provisioner</c>); KubeSim runs it inside kube-controller-manager's process on the control
/// plane, so its events come from <c>PROVISIONER_cp-1_UUID</c> (upstream <c>PROVISIONER_HOSTNAME_UUID</c>), and it
/// goes down and up with that process. Provisioning takes no time beyond its API calls. Keys without a namespace are
/// volumes, the others claims.
/// </remarks>
public sealed class ExternalProvisioner : Reconciler
{
    private readonly VolumeProvisionerPlugin _plugin;
    private readonly EventRecorder _events;
    private readonly Informer<V1PersistentVolumeClaim> _claims;
    private readonly Informer<V1PersistentVolume> _volumes;
    private readonly Informer<V1StorageClass> _classes;
    // The library's rate limiter: a failing key is retried after 15 s, doubling up to 1000 s.
    private static readonly SimDuration RetryBase = SimDuration.FromSeconds(15);
    private static readonly SimDuration RetryMax = SimDuration.FromSeconds(1000);
    private readonly Dictionary<NamespacedName, int> _failures = [];

    /// <summary>The finalizer the CSI external-provisioner puts on the Delete volumes it makes (HonorPVReclaimPolicy).</summary>
    public const string DeletionProtectionFinalizer = "external-provisioner.volume.kubernetes.io/finalizer";

    /// <summary>A provisioner running <paramref name="plugin"/> on <paramref name="context"/>'s shared informers.</summary>
    public ExternalProvisioner(ControllerContext context, VolumeProvisionerPlugin plugin)
        : base(context, plugin.ClientName, maxRetryDelay: SimDuration.FromMinutes(5), workers: 4)
    {
        _plugin = plugin;
        var host = context.Client.Identity.Endpoint;
        var uid = context.Random.Fork("external-provisioner/" + plugin.ProvisionerName).NextUid();
        EventSource = $"{plugin.ProvisionerName}_{host}_{uid}";
        _events = new EventRecorder(Client, context.Loop, EventSource);
        _claims = context.Informers.For<V1PersistentVolumeClaim>();
        _claims.Added += Enqueue;
        _claims.Updated += (_, c) => Enqueue(c);
        _volumes = context.Informers.For<V1PersistentVolume>();
        _volumes.Added += Enqueue;
        _volumes.Updated += (_, v) => Enqueue(v);
        _classes = context.Informers.For<V1StorageClass>();
    }

    /// <summary>The source of its events (<c>PROVISIONER_HOST_UUID</c>).</summary>
    public string EventSource { get; }

    /// <inheritdoc />
    protected override async ValueTask<ReconcileResult> Reconcile(NamespacedName key)
    {
        var result = key.Namespace.Length == 0 ? await SyncVolume(key.Name) : await SyncClaim(key);
        if (result.Error is null)
        {
            _failures.Remove(key);
            return result;
        }
        var failures = _failures.GetValueOrDefault(key);
        _failures[key] = failures + 1;
        return ReconcileResult.After(SimDuration.Min(RetryBase * (1L << Math.Min(failures, 10)), RetryMax));
    }

    // shouldProvision: an unbound claim annotated for this provisioner; for a delayed class, with a selected node.
    private bool ShouldProvision(V1PersistentVolumeClaim claim)
    {
        if (!string.IsNullOrEmpty(claim.Spec.VolumeName)) return false;
        var provisioner = VolumeHelpers.Annotation(claim, VolumeHelpers.AnnStorageProvisioner) ?? VolumeHelpers.Annotation(claim, VolumeHelpers.AnnBetaStorageProvisioner);
        if (provisioner != _plugin.ProvisionerName) return false;
        if (_classes.Get(null, VolumeHelpers.ClaimClass(claim)) is not { } cls) return false;
        if (cls.VolumeBindingMode == "WaitForFirstConsumer")
            return VolumeHelpers.Annotation(claim, VolumeHelpers.AnnSelectedNode) is { Length: > 0 };
        return true;
    }

    // provisionClaimOperation.
    private async ValueTask<ReconcileResult> SyncClaim(NamespacedName key)
    {
        if (_claims.Get(key.Namespace, key.Name) is not { } claim || !ShouldProvision(claim)) return ReconcileResult.Done;
        var claimClass = VolumeHelpers.ClaimClass(claim);
        var cls = _classes.Get(null, claimClass)!;
        if (cls.Provisioner != _plugin.ProvisionerName) return ReconcileResult.Done;
        var pvName = "pvc-" + claim.Metadata.Uid;
        // Provisioned already (the informer may be behind this provisioner's own create).
        if (_volumes.Get(null, pvName) is not null) return ReconcileResult.Done;

        V1Node? selectedNode = null;
        if (cls.VolumeBindingMode == "WaitForFirstConsumer" && VolumeHelpers.Annotation(claim, VolumeHelpers.AnnSelectedNode) is { } nodeName)
        {
            var node = await Client.Get<V1Node>(nodeName);
            if (!node.IsSuccess)
            {
                _events.Warning(claim, "ProvisioningFailed", $"failed to get target node: {node.Error!.Message}");
                return ReconcileResult.Retry(node.Error.Message);
            }
            selectedNode = node.Value;
        }

        _events.Normal(claim, "Provisioning", $"External provisioner is provisioning volume for claim \"{VolumeHelpers.ClaimKey(claim)}\"");
        var volume = _plugin.Provision(new ProvisionOptions(cls, pvName, claim, selectedNode));
        volume.Spec.ClaimRef = VolumeHelpers.ClaimReference(claim);
        if (_plugin.AddsDeletionFinalizer && volume.Spec.PersistentVolumeReclaimPolicy == "Delete")
            volume.Metadata.Finalizers = [.. volume.Metadata.Finalizers ?? [], DeletionProtectionFinalizer];
        VolumeHelpers.SetAnnotation(volume, VolumeHelpers.AnnDynamicallyProvisioned, _plugin.ProvisionerName);
        volume.Spec.StorageClassName = claimClass;

        var created = await Client.Create(volume);
        if (!created.IsSuccess && !created.IsAlreadyExists)
        {
            _events.Warning(claim, "ProvisioningFailed", $"failed to provision volume with StorageClass \"{cls.Metadata.Name}\": {created.Error!.Message}");
            return ReconcileResult.Retry(created.Error.Message);
        }
        _events.Normal(claim, "ProvisioningSucceeded", $"Successfully provisioned volume {pvName}");
        return ReconcileResult.Done;
    }

    // shouldDelete: a Released Delete volume this provisioner made, not already being deleted (unless this
    // provisioner's finalizer still holds it).
    private bool ShouldDelete(V1PersistentVolume volume)
    {
        if (volume.Metadata.DeletionTimestamp is not null && !(_plugin.AddsDeletionFinalizer && HasFinalizer(volume))) return false;
        if (volume.Status?.Phase != "Released") return false;
        if (volume.Spec.PersistentVolumeReclaimPolicy != "Delete") return false;
        return VolumeHelpers.Annotation(volume, VolumeHelpers.AnnDynamicallyProvisioned) == _plugin.ProvisionerName
            || VolumeHelpers.Annotation(volume, VolumeHelpers.AnnMigratedTo) == _plugin.ProvisionerName;
    }

    private static bool HasFinalizer(V1PersistentVolume volume) => volume.Metadata.Finalizers?.Contains(DeletionProtectionFinalizer) == true;

    // deleteVolumeOperation: delete the storage, then the object, then let go of it.
    private async ValueTask<ReconcileResult> SyncVolume(string name)
    {
        if (_volumes.Get(null, name) is not { } cached || !ShouldDelete(cached)) return ReconcileResult.Done;
        var read = await Client.Get<V1PersistentVolume>(name);
        if (read.IsNotFound) return ReconcileResult.Done;
        if (!read.IsSuccess) return ReconcileResult.Retry(read.Error!.Message);
        var volume = read.Value!;
        if (!ShouldDelete(volume)) return ReconcileResult.Done;
        // The storage itself is simulated away.
        if (volume.Metadata.DeletionTimestamp is null)
        {
            var deleted = await Client.Delete<V1PersistentVolume>(null, name);
            if (!deleted.IsSuccess && !deleted.IsNotFound)
            {
                _events.Warning(volume, "VolumeFailedDelete", deleted.Error!.Message);
                return ReconcileResult.Retry(deleted.Error.Message);
            }
            if (deleted.IsNotFound) return ReconcileResult.Done;
            volume = deleted.Value!;
        }
        if (!_plugin.AddsDeletionFinalizer || !HasFinalizer(volume)) return ReconcileResult.Done;
        var released = ModelCopy.Clone(volume);
        released.Metadata.Finalizers = [.. released.Metadata.Finalizers!.Where(f => f != DeletionProtectionFinalizer)];
        var updated = await Client.Update(released);
        return updated.IsSuccess || updated.IsNotFound ? ReconcileResult.Done : ReconcileResult.Retry(updated.Error!.Message);
    }
}

/// <summary>What a provisioner is asked to make a volume from.</summary>
/// <param name="Class">The claim's StorageClass.</param>
/// <param name="PvName">The volume's name, <c>pvc-&lt;claim uid&gt;</c>.</param>
/// <param name="Claim">The claim.</param>
/// <param name="SelectedNode">The node the scheduler chose, for a WaitForFirstConsumer class.</param>
public sealed record ProvisionOptions(V1StorageClass Class, string PvName, V1PersistentVolumeClaim Claim, V1Node? SelectedNode);

/// <summary>The storage side of an external provisioner: what volume it makes for a claim.</summary>
public abstract class VolumeProvisionerPlugin
{
    /// <summary>The provisioner name StorageClasses give (<c>provisioner:</c>).</summary>
    public abstract string ProvisionerName { get; }

    /// <summary>The name of the provisioner's API client.</summary>
    public abstract string ClientName { get; }

    /// <summary>Whether it holds the Delete volumes it makes with <see cref="ExternalProvisioner.DeletionProtectionFinalizer"/>.</summary>
    public virtual bool AddsDeletionFinalizer => false;

    /// <summary>The volume for the claim, without claimRef, class and provisioned-by (the controller adds them).</summary>
    public abstract V1PersistentVolume Provision(ProvisionOptions options);
}
