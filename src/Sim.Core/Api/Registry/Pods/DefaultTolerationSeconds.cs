using k8s.Models;

namespace Sim.Core.Api.Registry.Pods;

/// <summary>
/// The DefaultTolerationSeconds admission plugin (on by default in kube-apiserver): a pod that does not already
/// tolerate <c>node.kubernetes.io/not-ready:NoExecute</c> or <c>node.kubernetes.io/unreachable:NoExecute</c> gets a
/// toleration for it, operator Exists, tolerationSeconds 300, appended in that order. It runs on CREATE and UPDATE of
/// the pod itself, never on its subresources (status, binding).
/// </summary>
internal static class DefaultTolerationSeconds
{
    /// <summary>The plugin's <c>--default-not-ready-toleration-seconds</c> and <c>--default-unreachable-toleration-seconds</c>.</summary>
    public const long Seconds = 300;

    /// <summary>The taint the node lifecycle controller puts on a node whose Ready condition is False.</summary>
    public const string NotReadyTaintKey = "node.kubernetes.io/not-ready";

    /// <summary>The taint the node lifecycle controller puts on a node whose Ready condition is Unknown.</summary>
    public const string UnreachableTaintKey = "node.kubernetes.io/unreachable";

    /// <summary>Adds the missing default tolerations to <paramref name="spec"/>.</summary>
    public static void Admit(V1PodSpec spec)
    {
        var toleratesNotReady = false;
        var toleratesUnreachable = false;
        foreach (var t in spec.Tolerations ?? [])
        {
            // As upstream: an empty key or an empty effect counts as covering the taint, whatever the operator says
            // (validation, which runs after admission, refuses an empty key without Exists).
            var noExecute = string.IsNullOrEmpty(t.Effect) || t.Effect == "NoExecute";
            if (!noExecute) continue;
            toleratesNotReady |= string.IsNullOrEmpty(t.Key) || t.Key == NotReadyTaintKey;
            toleratesUnreachable |= string.IsNullOrEmpty(t.Key) || t.Key == UnreachableTaintKey;
        }
        if (!toleratesNotReady) (spec.Tolerations ??= new List<V1Toleration>()).Add(Toleration(NotReadyTaintKey));
        if (!toleratesUnreachable) (spec.Tolerations ??= new List<V1Toleration>()).Add(Toleration(UnreachableTaintKey));
    }

    private static V1Toleration Toleration(string key) =>
        new() { Key = key, OperatorProperty = "Exists", Effect = "NoExecute", TolerationSeconds = Seconds };
}
