using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Controllers.Runtime;

/// <summary>Pod predicates and pod creation from templates, shared by the workload controllers.</summary>
public static class Pods
{
    /// <summary>Not finished and not terminating: what ReplicaSets, Jobs and DaemonSets count.</summary>
    public static bool IsActive(V1Pod pod) =>
        pod.Status?.Phase is not ("Succeeded" or "Failed") && pod.Metadata.DeletionTimestamp is null;

    /// <summary>The Ready condition is True.</summary>
    public static bool IsReady(V1Pod pod) => Conditions.IsPodReady(pod);

    /// <summary>Ready for more than <paramref name="minReadySeconds"/> (Kubernetes' IsPodAvailable: the Ready transition, in whole seconds, plus minReadySeconds is strictly before now).</summary>
    public static bool IsAvailable(V1Pod pod, int minReadySeconds, SimTime now)
    {
        if (minReadySeconds == 0) return IsReady(pod);
        var ready = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
        if (ready?.Status != "True") return false;
        var since = ready.LastTransitionTime is { } t ? SimTime.FromDateTime(t) : now;
        return since + SimDuration.FromSeconds(minReadySeconds) < now;
    }

    /// <summary>A pod for <paramref name="owner"/> from its template: <c>generateName</c> prefix, template labels, annotations and spec, controller reference.</summary>
    public static V1Pod FromTemplate(V1PodTemplateSpec template, KubeObject owner, string generateNamePrefix)
    {
        var t = ModelCopy.Clone(template);
        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                GenerateName = generateNamePrefix,
                NamespaceProperty = owner.Metadata.NamespaceProperty,
                Labels = t.Metadata?.Labels,
                Annotations = t.Metadata?.Annotations,
                Finalizers = t.Metadata?.Finalizers,
                OwnerReferences = [OwnerReferences.NewControllerRef(owner)],
            },
            Spec = t.Spec,
        };
    }
}
