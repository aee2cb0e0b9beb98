using k8s.Models;
using Sim.Core.Serialization;

namespace Sim.Core.Api.Registry.Pods;

/// <summary>
/// Pods: spec defaults plus the admission plugins every cluster runs (ServiceAccount, Priority,
/// DefaultTolerationSeconds), Pending status with a QoS class on create, graceful deletion and pod spec immutability.
/// </summary>
internal sealed class PodStrategy : KindStrategy<V1Pod>
{
    protected override void Default(V1Pod pod)
    {
        pod.Spec ??= new V1PodSpec();
        PodSpecDefaults.ApplyPod(pod.Spec);
        pod.Spec.EnableServiceLinks ??= true;
    }

    protected override void PrepareForCreate(V1Pod pod, StrategyContext ctx)
    {
        var spec = pod.Spec;
        spec.ServiceAccountName ??= "default";
        spec.ServiceAccount = spec.ServiceAccountName;
        if (spec.AutomountServiceAccountToken != false) MountServiceAccountToken(spec, ctx);
        spec.Priority ??= 0;
        spec.PreemptionPolicy ??= "PreemptLowerPriority";
        DefaultTolerationSeconds.Admit(spec);
        pod.Status = new V1PodStatus { Phase = "Pending", QosClass = QosClass(spec) };
    }

    // Mutating admission runs on every UPDATE of the pod itself too: DefaultTolerationSeconds puts back the tolerations
    // an update left out (validation then accepts the update, as it only forbids removing tolerations).
    protected override void PrepareForUpdate(V1Pod pod, V1Pod old, StrategyContext ctx) => DefaultTolerationSeconds.Admit(pod.Spec);

    /// <summary>Where the ServiceAccount admission plugin mounts the API credentials in every container.</summary>
    public const string TokenMountPath = "/var/run/secrets/kubernetes.io/serviceaccount";

    // The projected source every token volume carries. Stored objects are never changed in place, so all pods share
    // this one instance instead of allocating ten objects each.
    private static readonly V1ProjectedVolumeSource TokenVolumeSource = new()
    {
        DefaultMode = 420,
        Sources =
        [
            new V1VolumeProjection { ServiceAccountToken = new V1ServiceAccountTokenProjection { Path = "token", ExpirationSeconds = 3607 } },
            new V1VolumeProjection { ConfigMap = new V1ConfigMapProjection { Name = "kube-root-ca.crt", Items = [new V1KeyToPath { Key = "ca.crt", Path = "ca.crt" }] } },
            new V1VolumeProjection
            {
                DownwardAPI = new V1DownwardAPIProjection
                {
                    Items = [new V1DownwardAPIVolumeFile { Path = "namespace", FieldRef = new V1ObjectFieldSelector { ApiVersion = "v1", FieldPath = "metadata.namespace" } }],
                },
            },
        ],
    };

    // The ServiceAccount admission plugin's mountServiceAccountToken: a projected kube-api-access-xxxxx volume (a bound
    // token, the cluster CA, the namespace) mounted read-only in every container that has nothing at the path yet.
    private static void MountServiceAccountToken(V1PodSpec spec, StrategyContext ctx)
    {
        string? volumeName = null;
        foreach (var v in spec.Volumes ?? [])
        {
            // A volume without a name (Go's zero volume) is refused by validation, which runs after admission.
            if (v.Name?.StartsWith("kube-api-access-", StringComparison.Ordinal) != true) continue;
            volumeName = v.Name;
            break;
        }
        var hasVolume = volumeName is not null;
        volumeName ??= ctx.Server.GenerateAdmissionName("kube-api-access-");
        var needsVolume = Mount(spec.InitContainers, volumeName) | Mount(spec.Containers, volumeName);
        if (hasVolume || !needsVolume) return;
        spec.Volumes ??= new List<V1Volume>();
        spec.Volumes.Add(new V1Volume { Name = volumeName, Projected = TokenVolumeSource });
    }

    private static bool Mount(IList<V1Container>? containers, string volumeName)
    {
        var mounted = false;
        foreach (var c in containers ?? [])
        {
            var existing = false;
            foreach (var m in c.VolumeMounts ?? [])
                existing |= m.MountPath == TokenMountPath;
            if (existing) continue;
            c.VolumeMounts ??= new List<V1VolumeMount>();
            c.VolumeMounts.Add(new V1VolumeMount { Name = volumeName, ReadOnlyProperty = true, MountPath = TokenMountPath });
            mounted = true;
        }
        return mounted;
    }

    /// <summary>
    /// The Priority admission plugin: a priorityClassName is resolved to its value and preemption policy (or the
    /// global default class is used when none is named); a priority or policy the pod states itself must agree.
    /// </summary>
    public override ApiError? Admit(KubeObject obj, StrategyContext ctx)
    {
        var pod = (V1Pod)obj;
        var spec = pod.Spec;
        var name = pod.Metadata.Name is { Length: > 0 } n ? n : pod.Metadata.GenerateName ?? "";
        V1PriorityClass? pc;
        if (string.IsNullOrEmpty(spec.PriorityClassName))
        {
            // Of several defaults (possible only through a race upstream) the lowest value wins; the name settles ties.
            pc = null;
            foreach (V1PriorityClass c in ctx.Server.Unordered(ResourceKinds.PriorityClass))
                if (c.GlobalDefault == true && (pc is null || c.Value < pc.Value || (c.Value == pc.Value && string.CompareOrdinal(c.Metadata.Name, pc.Metadata.Name) < 0)))
                    pc = c;
            if (pc is not null) spec.PriorityClassName = pc.Metadata.Name;
        }
        else
        {
            pc = ctx.Server.Find(ResourceKinds.PriorityClass, null, spec.PriorityClassName) as V1PriorityClass;
            if (pc is null) return ApiError.Forbidden(Kind, name, $"no PriorityClass with name {spec.PriorityClassName} was found");
        }
        var priority = pc?.Value ?? 0;
        if (spec.Priority is { } given && given != priority)
            return ApiError.Forbidden(Kind, name, $"the integer value of priority ({given}) must not be provided in pod spec; priority admission controller computed {priority} from the given PriorityClass name");
        spec.Priority = priority;
        if (pc?.PreemptionPolicy is { } policy)
        {
            if (spec.PreemptionPolicy is { } stated && stated != policy)
                return ApiError.Forbidden(Kind, name, $"the string value of PreemptionPolicy ({stated}) must not be provided in pod spec; priority admission controller computed {policy} from the given PriorityClass name");
            spec.PreemptionPolicy = policy;
        }
        return null;
    }

    protected override IEnumerable<FieldError> Validate(V1Pod pod) => PodSpecValidation.Validate(pod.Spec, "spec");

    protected override IEnumerable<FieldError> ValidateUpdate(V1Pod pod, V1Pod old)
    {
        foreach (var e in Validate(pod)) yield return e;
        // Pod specs are immutable apart from images, activeDeadlineSeconds and added tolerations.
        if (!SpecChangesOnlyWhatMay(pod.Spec, old.Spec))
            yield return FieldError.Forbidden("spec", "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)");
    }

    // Compares the specs with the mutable fields taken from the old one. The new spec belongs to this request, so the
    // comparison borrows it (and puts everything back) instead of copying two whole pod specs on every update.
    private static bool SpecChangesOnlyWhatMay(V1PodSpec a, V1PodSpec b)
    {
        if (ReferenceEquals(a, b)) return true;
        var containers = SwapImages(a.Containers, b.Containers);
        var initContainers = SwapImages(a.InitContainers, b.InitContainers);
        var deadline = a.ActiveDeadlineSeconds;
        var tolerations = a.Tolerations;
        a.ActiveDeadlineSeconds = b.ActiveDeadlineSeconds;
        if ((b.Tolerations ?? []).All(t => (a.Tolerations ?? []).Any(n => ModelCopy.SemanticEquals(n, t)))) a.Tolerations = b.Tolerations;
        try
        {
            return ModelCopy.SemanticEquals(a, b);
        }
        finally
        {
            RestoreImages(a.Containers, containers);
            RestoreImages(a.InitContainers, initContainers);
            a.ActiveDeadlineSeconds = deadline;
            a.Tolerations = tolerations;
        }
    }

    private static string?[]? SwapImages(IList<V1Container>? mine, IList<V1Container>? theirs)
    {
        if (mine is null || theirs is null) return null;
        var saved = new string?[mine.Count];
        for (var i = 0; i < mine.Count; i++)
        {
            saved[i] = mine[i].Image;
            if (i < theirs.Count) mine[i].Image = theirs[i].Image;
        }
        return saved;
    }

    private static void RestoreImages(IList<V1Container>? mine, string?[]? saved)
    {
        if (mine is null || saved is null) return;
        for (var i = 0; i < saved.Length; i++) mine[i].Image = saved[i];
    }

    protected override long? GracePeriodSeconds(V1Pod pod, long? requested)
    {
        var period = requested ?? pod.Spec.TerminationGracePeriodSeconds ?? 0;
        // Pods never scheduled, or already finished, are deleted at once: no kubelet needs to stop anything.
        if (string.IsNullOrEmpty(pod.Spec.NodeName)) period = 0;
        if (PodState.IsTerminal(pod)) period = 0;
        if (period < 0) period = 1;
        return period;
    }

    protected override string? FieldValue(V1Pod pod, string field) => field switch
    {
        "spec.nodeName" => pod.Spec?.NodeName ?? "",
        "spec.restartPolicy" => pod.Spec?.RestartPolicy ?? "",
        "spec.schedulerName" => pod.Spec?.SchedulerName ?? "",
        "spec.serviceAccountName" => pod.Spec?.ServiceAccountName ?? "",
        "spec.hostNetwork" => pod.Spec?.HostNetwork == true ? "true" : "false",
        "status.phase" => pod.Status?.Phase ?? "",
        "status.podIP" => pod.Status?.PodIP ?? "",
        "status.nominatedNodeName" => pod.Status?.NominatedNodeName ?? "",
        _ => null,
    };

    /// <summary>Guaranteed when every container has equal cpu and memory requests and limits; BestEffort with none.</summary>
    public static string QosClass(V1PodSpec spec)
    {
        var any = false;
        var guaranteed = (spec.Containers?.Count ?? 0) + (spec.InitContainers?.Count ?? 0) > 0;
        void Visit(IList<V1Container>? containers)
        {
            if (containers is null) return;
            foreach (var c in containers)
            {
                var req = c.Resources?.Requests;
                var lim = c.Resources?.Limits;
                if (req is { Count: > 0 } || lim is { Count: > 0 }) any = true;
                foreach (var r in (ReadOnlySpan<string>)["cpu", "memory"])
                {
                    if (lim is null || !lim.TryGetValue(r, out var l))
                    {
                        guaranteed = false;
                        continue;
                    }
                    if (req is not null && req.TryGetValue(r, out var q) && QuantityRange.ToDecimal(q) != QuantityRange.ToDecimal(l)) guaranteed = false;
                }
            }
        }
        Visit(spec.Containers);
        Visit(spec.InitContainers);
        if (!any) return "BestEffort";
        return guaranteed ? "Guaranteed" : "Burstable";
    }
}
