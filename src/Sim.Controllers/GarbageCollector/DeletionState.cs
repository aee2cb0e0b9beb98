using Sim.Core.Api;

namespace Sim.Controllers.GarbageCollector;

/// <summary>Where an object stands in its deletion, read from deletionTimestamp and the propagation finalizers.</summary>
internal static class DeletionState
{
    /// <summary>Whether the object has a deletionTimestamp.</summary>
    public static bool BeingDeleted(KubeObject obj) => obj.Metadata.DeletionTimestamp is not null;

    /// <summary>Whether the object is being deleted in the foreground (waits for its blocking dependents).</summary>
    public static bool DeletingDependents(KubeObject obj) => BeingDeleted(obj) && HasFinalizer(obj, Finalizers.ForegroundDeletion);

    /// <summary>Whether the object carries <paramref name="finalizer"/>.</summary>
    public static bool HasFinalizer(KubeObject obj, string finalizer) => obj.Metadata.Finalizers?.Contains(finalizer) == true;
}
