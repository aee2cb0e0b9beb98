using k8s.Models;
using Sim.Core.Serialization;

namespace Sim.Controllers.Runtime;

/// <summary>Pods made from an owner's template (<c>controller.GetPodFromTemplate</c>).</summary>
public static class PodTemplates
{
    /// <summary>A pod for <paramref name="owner"/> from its template: <c>generateName</c> prefix, template labels, annotations, finalizers and spec, and <paramref name="controllerRef"/> (the owner's controller reference by default).</summary>
    public static V1Pod FromTemplate(V1PodTemplateSpec template, KubeObject owner, string generateNamePrefix, V1OwnerReference? controllerRef = null)
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
                OwnerReferences = [controllerRef ?? OwnerReferences.NewControllerRef(owner)],
            },
            Spec = t.Spec,
        };
    }
}
