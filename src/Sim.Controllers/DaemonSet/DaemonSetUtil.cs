using System.Globalization;
using k8s.Models;
using Sim.Controllers.Deployment;
using Sim.Controllers.Runtime;
using Sim.Controllers.Runtime.History;
using Sim.Core.Serialization;

namespace Sim.Controllers.DaemonSet;

/// <summary>
/// pkg/controller/daemon/util: the template generation, the tolerations every daemon pod gets, the pod template with
/// its revision labels, the node-name affinity that pins a pod to its node, and the update strategy's numbers.
/// </summary>
internal static class DaemonSetUtil
{
    /// <summary>The annotation apps/v1 keeps the template generation in.</summary>
    public const string TemplateGenerationAnnotation = "deprecated.daemonset.template.generation";

    /// <summary>The pod label with the template generation it was made from (kept for backward compatibility).</summary>
    public const string TemplateGenerationLabel = "pod-template-generation";

    /// <summary>The pod and revision label with the revision's hash.</summary>
    public const string HashLabel = ControllerRevisions.HashLabel;

    /// <summary><c>metav1.ObjectNameField</c>: the node field a matchFields term selects on.</summary>
    public const string NodeNameField = "metadata.name";

    /// <summary>
    /// The daemon pod tolerations, in upstream's order: node problems never evict a daemon pod (not-ready and
    /// unreachable NoExecute without tolerationSeconds), and the conditions' NoSchedule taints do not keep it off.
    /// </summary>
    private static readonly V1Toleration[] DefaultTolerations =
    [
        new() { Key = "node.kubernetes.io/not-ready", OperatorProperty = "Exists", Effect = "NoExecute" },
        new() { Key = "node.kubernetes.io/unreachable", OperatorProperty = "Exists", Effect = "NoExecute" },
        new() { Key = "node.kubernetes.io/disk-pressure", OperatorProperty = "Exists", Effect = "NoSchedule" },
        new() { Key = "node.kubernetes.io/memory-pressure", OperatorProperty = "Exists", Effect = "NoSchedule" },
        new() { Key = "node.kubernetes.io/pid-pressure", OperatorProperty = "Exists", Effect = "NoSchedule" },
        new() { Key = "node.kubernetes.io/unschedulable", OperatorProperty = "Exists", Effect = "NoSchedule" },
    ];

    private static readonly V1Toleration NetworkUnavailable = new() { Key = "node.kubernetes.io/network-unavailable", OperatorProperty = "Exists", Effect = "NoSchedule" };

    /// <summary>GetTemplateGeneration: the annotation's value, or null when it is absent or does not parse.</summary>
    public static long? TemplateGeneration(V1DaemonSet ds) =>
        ds.Metadata.Annotations.ValueOf(TemplateGenerationAnnotation) is { } v && long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var g) ? g : null;

    /// <summary>AddOrUpdateDaemonPodTolerations: adds each default toleration, replacing one with the same key, operator, value and effect.</summary>
    public static void AddOrUpdateDaemonPodTolerations(V1PodSpec spec)
    {
        foreach (var t in DefaultTolerations) AddOrUpdateToleration(spec, t);
        if (spec.HostNetwork == true) AddOrUpdateToleration(spec, NetworkUnavailable);
    }

    // v1helper.AddOrUpdateTolerationInPodSpec. The list is replaced, never edited (it may be a stored object's).
    private static void AddOrUpdateToleration(V1PodSpec spec, V1Toleration toleration)
    {
        var existing = spec.Tolerations ?? [];
        var result = new List<V1Toleration>(existing.Count + 1);
        var updated = false;
        foreach (var t in existing)
        {
            if (t.Key == toleration.Key && t.Effect == toleration.Effect && t.OperatorProperty == toleration.OperatorProperty && (t.Value ?? "") == (toleration.Value ?? ""))
            {
                if (t.TolerationSeconds is null) return;
                result.Add(Copy(toleration));
                updated = true;
                continue;
            }
            result.Add(t);
        }
        if (!updated) result.Add(Copy(toleration));
        spec.Tolerations = result;
    }

    private static V1Toleration Copy(V1Toleration t) => new() { Key = t.Key, OperatorProperty = t.OperatorProperty, Value = t.Value, Effect = t.Effect };

    /// <summary>CreatePodTemplate: a copy of the template with the daemon tolerations and the generation and hash labels.</summary>
    public static V1PodTemplateSpec CreatePodTemplate(V1PodTemplateSpec template, long? generation, string hash)
    {
        var copy = ModelCopy.Clone(template);
        copy.Spec ??= new V1PodSpec();
        AddOrUpdateDaemonPodTolerations(copy.Spec);
        copy.Metadata ??= new V1ObjectMeta();
        copy.Metadata.Labels ??= new Dictionary<string, string>();
        if (generation is { } g) copy.Metadata.Labels[TemplateGenerationLabel] = g.ToString(CultureInfo.InvariantCulture);
        if (hash.Length > 0) copy.Metadata.Labels[HashLabel] = hash;
        return copy;
    }

    /// <summary>The template generation as the pod label writes it (null when there is none).</summary>
    public static string? GenerationText(long? generation) => generation?.ToString(CultureInfo.InvariantCulture);

    /// <summary>AllowsSurge: the strategy allows more than one pod on a node.</summary>
    public static bool AllowsSurge(V1DaemonSet ds) => SurgeCount(ds, 1) > 0;

    /// <summary>SurgeCount: maxSurge of <paramref name="numberToSchedule"/>, percentages rounded up; 0 unless RollingUpdate.</summary>
    public static int SurgeCount(V1DaemonSet ds, int numberToSchedule) =>
        ds.Spec.UpdateStrategy?.Type == "RollingUpdate" && ds.Spec.UpdateStrategy.RollingUpdate?.MaxSurge is { } surge
            ? DeploymentUtil.Resolve(surge, numberToSchedule, roundUp: true)
            : 0;

    /// <summary>UnavailableCount: maxUnavailable of <paramref name="numberToSchedule"/>, percentages rounded up; 0 unless RollingUpdate.</summary>
    public static int UnavailableCount(V1DaemonSet ds, int numberToSchedule) =>
        ds.Spec.UpdateStrategy?.Type == "RollingUpdate" && ds.Spec.UpdateStrategy.RollingUpdate is { } ru
            ? DeploymentUtil.Resolve(ru.MaxUnavailable, numberToSchedule, roundUp: true)
            : 0;

    /// <summary>
    /// ReplaceDaemonSetPodNodeNameNodeAffinity: the required node affinity becomes one matchFields term
    /// <c>metadata.name In [node]</c>, replacing every required term (the controller has checked the node satisfies them).
    /// Changes <paramref name="affinity"/>, which must be the caller's own copy.
    /// </summary>
    public static V1Affinity ReplaceNodeNameNodeAffinity(V1Affinity? affinity, string nodeName)
    {
        var selector = new V1NodeSelector
        {
            NodeSelectorTerms = [new V1NodeSelectorTerm { MatchFields = [new V1NodeSelectorRequirement { Key = NodeNameField, OperatorProperty = "In", Values = [nodeName] }] }],
        };
        if (affinity is null) return new V1Affinity { NodeAffinity = new V1NodeAffinity { RequiredDuringSchedulingIgnoredDuringExecution = selector } };
        if (affinity.NodeAffinity is null)
        {
            affinity.NodeAffinity = new V1NodeAffinity { RequiredDuringSchedulingIgnoredDuringExecution = selector };
            return affinity;
        }
        if (affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution is null)
        {
            affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution = selector;
            return affinity;
        }
        affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms = selector.NodeSelectorTerms;
        return affinity;
    }

    /// <summary>
    /// GetTargetNodeName: spec.nodeName, or for a pod not yet scheduled the one value of its first
    /// <c>metadata.name In</c> matchFields requirement; null when there is none (or it names more than one node).
    /// </summary>
    public static string? TargetNodeName(V1Pod pod)
    {
        if (pod.Spec?.NodeName is { Length: > 0 } bound) return bound;
        var terms = pod.Spec?.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution?.NodeSelectorTerms;
        if (terms is null) return null;
        foreach (var term in terms)
            foreach (var r in term.MatchFields ?? [])
                if (r.Key == NodeNameField && r.OperatorProperty == "In")
                    return r.Values is { Count: 1 } v ? v[0] : null;
        return null;
    }
}
