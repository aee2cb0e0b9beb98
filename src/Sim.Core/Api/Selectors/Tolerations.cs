using k8s.Models;

namespace Sim.Core.Api.Selectors;

/// <summary>v1.Toleration.ToleratesTaint, shared by the scheduler and the kubelet's admission.</summary>
public static class Tolerations
{
    /// <summary>
    /// An empty effect matches every effect, an empty key every key; Equal (or an empty operator) compares values,
    /// Exists does not.
    /// </summary>
    public static bool ToleratesTaint(V1Toleration toleration, string key, string value, string effect)
    {
        if (!string.IsNullOrEmpty(toleration.Effect) && toleration.Effect != effect) return false;
        if (!string.IsNullOrEmpty(toleration.Key) && toleration.Key != key) return false;
        return toleration.OperatorProperty switch
        {
            null or "" or "Equal" => (toleration.Value ?? "") == value,
            "Exists" => true,
            _ => false,
        };
    }
}
