namespace Sim.Core.Api;

/// <summary>The finalizer names Kubernetes' API server and controllers use.</summary>
public static class Finalizers
{
    /// <summary>Added by a Foreground DELETE; the garbage collector removes it once blocking dependents are gone.</summary>
    public const string ForegroundDeletion = "foregroundDeletion";

    /// <summary>Added by an Orphan DELETE; the garbage collector removes it after orphaning dependents.</summary>
    public const string Orphan = "orphan";

    /// <summary>Namespaces' spec finalizer, removed by the namespace controller once the namespace is empty.</summary>
    public const string Kubernetes = "kubernetes";

    /// <summary>Added to PVCs by admission while pods use them.</summary>
    public const string PvcProtection = "kubernetes.io/pvc-protection";

    /// <summary>Added to PVs by admission while claims bind them.</summary>
    public const string PvProtection = "kubernetes.io/pv-protection";

    /// <summary>Added by the Job controller to the pods it tracks.</summary>
    public const string JobTracking = "batch.kubernetes.io/job-tracking";
}
