using k8s.Models;

namespace Sim.Core.Api.Patch;

/// <summary>
/// The <c>patchStrategy</c>/<c>patchMergeKey</c> tags of Kubernetes' Go types, for the lists kubectl and controllers
/// patch. Lists not named here are atomic (replaced whole), as in Kubernetes.
/// </summary>
internal static class PatchMeta
{
    private static readonly Dictionary<Type, string> MergeKeys = new()
    {
        [typeof(V1Container)] = "name",
        [typeof(V1EphemeralContainer)] = "name",
        [typeof(V1EnvVar)] = "name",
        [typeof(V1Volume)] = "name",
        [typeof(V1VolumeMount)] = "mountPath",
        [typeof(V1VolumeDevice)] = "devicePath",
        [typeof(V1ContainerPort)] = "containerPort",
        [typeof(V1ServicePort)] = "port",
        [typeof(V1OwnerReference)] = "uid",
        [typeof(V1LocalObjectReference)] = "name",
        [typeof(V1HostAlias)] = "ip",
        [typeof(V1TopologySpreadConstraint)] = "topologyKey",
        [typeof(V1PodSchedulingGate)] = "name",
        [typeof(V1PodResourceClaim)] = "name",
        [typeof(V1ContainerResizePolicy)] = "resourceName",
        [typeof(V1PodIP)] = "ip",
        [typeof(V1HostIP)] = "ip",
        [typeof(V1NodeAddress)] = "type",
        [typeof(V1PodCondition)] = "type",
        [typeof(V1NodeCondition)] = "type",
        [typeof(V1DeploymentCondition)] = "type",
        [typeof(V1ReplicaSetCondition)] = "type",
        [typeof(V1StatefulSetCondition)] = "type",
        [typeof(V1DaemonSetCondition)] = "type",
        [typeof(V1JobCondition)] = "type",
        [typeof(V1PersistentVolumeClaimCondition)] = "type",
        [typeof(V1NamespaceCondition)] = "type",
        [typeof(V2HorizontalPodAutoscalerCondition)] = "type",
    };

    private static readonly HashSet<(Type Owner, string Field)> MergedPrimitiveLists =
    [
        (typeof(V1ObjectMeta), "finalizers"),
    ];

    /// <summary>The merge key of a list of <paramref name="elementType"/>, or null when such lists are atomic.</summary>
    public static string? MergeKey(Type elementType) => MergeKeys.GetValueOrDefault(elementType);

    /// <summary>Whether a list of scalars is merged as a set (e.g. <c>metadata.finalizers</c>).</summary>
    public static bool MergesPrimitives(Type owner, string field) => MergedPrimitiveLists.Contains((owner, field));
}
