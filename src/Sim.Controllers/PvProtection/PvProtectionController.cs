using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Serialization;

namespace Sim.Controllers.PvProtection;

/// <summary>
/// kube-controller-manager's pv-protection controller (v1.32): a volume being deleted keeps its
/// <c>kubernetes.io/pv-protection</c> finalizer while it is Bound (the PV controller sets the phase), and loses it
/// once it is not; a volume without the finalizer gets it.
/// </summary>
public sealed class PvProtectionController : Reconciler
{
    /// <summary>The controller's client name.</summary>
    public const string Component = "pv-protection-controller";

    private readonly Informer<V1PersistentVolume> _volumes;

    /// <summary>Registers the controller's handlers on <paramref name="context"/>'s shared volume informer.</summary>
    public PvProtectionController(ControllerContext context) : base(context, Component, workers: 1)
    {
        _volumes = context.Informers.For<V1PersistentVolume>();
        _volumes.Added += EnqueueIfActionable;
        _volumes.Updated += (_, v) => EnqueueIfActionable(v);
    }

    private static bool HasFinalizer(KubeObject o) => o.Metadata.Finalizers?.Contains(Finalizers.PvProtection) == true;

    private void EnqueueIfActionable(V1PersistentVolume volume)
    {
        if ((volume.Metadata.DeletionTimestamp is null && !HasFinalizer(volume)) || (volume.Metadata.DeletionTimestamp is not null && HasFinalizer(volume)))
            Enqueue(volume);
    }

    /// <inheritdoc />
    protected override async ValueTask<ReconcileResult> Reconcile(NamespacedName key)
    {
        if (_volumes.Get(null, key.Name) is not { } volume) return ReconcileResult.Done;
        var meta = volume.Metadata;
        if (meta.DeletionTimestamp is not null && HasFinalizer(volume))
        {
            // Kept while Bound; the PV controller's phase change enqueues it again.
            if (volume.Status?.Phase != "Bound") return await Write(volume, [.. meta.Finalizers!.Where(f => f != Finalizers.PvProtection)]);
            return ReconcileResult.Done;
        }
        if (meta.DeletionTimestamp is null && !HasFinalizer(volume)) return await Write(volume, [.. meta.Finalizers ?? [], Finalizers.PvProtection]);
        return ReconcileResult.Done;
    }

    private async ValueTask<ReconcileResult> Write(V1PersistentVolume volume, List<string> finalizers)
    {
        var updated = ModelCopy.Clone(volume);
        updated.Metadata.Finalizers = finalizers;
        var written = await Client.Update(updated);
        return written.IsSuccess || written.IsNotFound ? ReconcileResult.Done : ReconcileResult.Retry(written.Error!.Message);
    }
}
