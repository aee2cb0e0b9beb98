using k8s.Models;
using Sim.Core.Api.Selectors;

namespace Sim.Core.Api;

/// <summary>Reads and writes the scale subresource of the kinds that have one.</summary>
internal static class ScaleAccess
{
    public static V1Scale ToScale(KubeObject obj)
    {
        var (specReplicas, statusReplicas, selector) = obj switch
        {
            V1Deployment d => (d.Spec.Replicas ?? 1, d.Status?.Replicas ?? 0, d.Spec.Selector),
            V1ReplicaSet r => (r.Spec.Replicas ?? 1, r.Status?.Replicas ?? 0, r.Spec.Selector),
            V1StatefulSet s => (s.Spec.Replicas ?? 1, s.Status?.Replicas ?? 0, s.Spec.Selector),
            _ => throw new ArgumentException("no scale subresource for " + obj.Kind),
        };
        return new V1Scale
        {
            ApiVersion = "autoscaling/v1",
            Kind = "Scale",
            Metadata = new V1ObjectMeta
            {
                Name = obj.Metadata.Name,
                NamespaceProperty = obj.Metadata.NamespaceProperty,
                Uid = obj.Metadata.Uid,
                ResourceVersion = obj.Metadata.ResourceVersion,
                CreationTimestamp = obj.Metadata.CreationTimestamp,
            },
            Spec = new V1ScaleSpec { Replicas = specReplicas },
            Status = new V1ScaleStatus
            {
                Replicas = statusReplicas,
                Selector = LabelSelector.TryFromV1(selector, out var sel, out _) ? sel.ToString() : "",
            },
        };
    }

    public static void SetReplicas(KubeObject obj, int replicas)
    {
        switch (obj)
        {
            case V1Deployment d: d.Spec.Replicas = replicas; break;
            case V1ReplicaSet r: r.Spec.Replicas = replicas; break;
            case V1StatefulSet s: s.Spec.Replicas = replicas; break;
            default: throw new ArgumentException("no scale subresource for " + obj.Kind);
        }
    }
}
