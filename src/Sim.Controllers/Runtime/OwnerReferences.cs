using k8s.Models;

namespace Sim.Controllers.Runtime;

/// <summary>Controller references, as Kubernetes' <c>metav1.GetControllerOf</c> and <c>NewControllerRef</c>.</summary>
public static class OwnerReferences
{
    /// <summary>The reference with controller: true, or null.</summary>
    public static V1OwnerReference? ControllerOf(KubeObject obj)
    {
        var refs = obj.Metadata.OwnerReferences;
        if (refs is null) return null;
        for (var i = 0; i < refs.Count; i++)
            if (refs[i].Controller == true) return refs[i];
        return null;
    }

    /// <summary>A controller reference to <paramref name="owner"/> (controller and blockOwnerDeletion true).</summary>
    public static V1OwnerReference NewControllerRef(KubeObject owner) => new()
    {
        ApiVersion = owner.ApiVersion,
        Kind = owner.Kind,
        Name = owner.Metadata.Name,
        Uid = owner.Metadata.Uid,
        Controller = true,
        BlockOwnerDeletion = true,
    };

    /// <summary>Whether <paramref name="obj"/> is controlled by the object with <paramref name="ownerUid"/>.</summary>
    public static bool IsControlledBy(KubeObject obj, string ownerUid) => ControllerOf(obj)?.Uid == ownerUid;
}
