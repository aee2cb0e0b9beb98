using k8s.Models;

namespace Sim.Core.Api.Registry.Pods;

/// <summary>Kubernetes' core/v1 defaulters for a pod spec (<see cref="Apply"/> for pods and every pod template,
/// <see cref="ApplyPod"/> for bare pods).</summary>
internal static class PodSpecDefaults
{
    public static void Apply(V1PodSpec? spec)
    {
        if (spec is null) return;
        spec.DnsPolicy ??= "ClusterFirst";
        spec.RestartPolicy ??= "Always";
        spec.TerminationGracePeriodSeconds ??= 30;
        spec.SecurityContext ??= new V1PodSecurityContext();
        spec.SchedulerName ??= "default-scheduler";
        foreach (var c in spec.InitContainers ?? []) DefaultContainer(c);
        foreach (var c in spec.Containers ?? []) DefaultContainer(c);
        foreach (var v in spec.Volumes ?? []) DefaultVolume(v);
    }

    /// <summary>
    /// SetDefaults_Pod on top of the spec defaults: what Kubernetes does for a Pod and deliberately not for a pod
    /// template, so templates (and their pod-template-hash) stay as written.
    /// </summary>
    public static void ApplyPod(V1PodSpec spec)
    {
        Apply(spec);
        foreach (var c in (spec.Containers ?? []).Concat(spec.InitContainers ?? []))
        {
            // A container with limits but no requests gets requests equal to its limits.
            if (c.Resources?.Limits is { Count: > 0 } limits)
            {
                c.Resources.Requests ??= new Dictionary<string, ResourceQuantity>();
                foreach (var (name, q) in limits)
                    if (!c.Resources.Requests.ContainsKey(name)) c.Resources.Requests[name] = q;
            }
            // Host-network pods default their container ports' hostPort to the containerPort.
            if (spec.HostNetwork == true)
                foreach (var p in c.Ports ?? []) p.HostPort ??= p.ContainerPort;
        }
    }

    public static void DefaultContainer(V1Container c)
    {
        c.TerminationMessagePath ??= "/dev/termination-log";
        c.TerminationMessagePolicy ??= "File";
        c.ImagePullPolicy ??= PullPolicyFor(c.Image);
        c.Resources ??= new V1ResourceRequirements();
        foreach (var p in c.Ports ?? []) p.Protocol ??= "TCP";
        foreach (var e in c.Env ?? [])
            if (e.ValueFrom?.FieldRef is { } fr) fr.ApiVersion ??= "v1";
        DefaultProbe(c.LivenessProbe);
        DefaultProbe(c.ReadinessProbe);
        DefaultProbe(c.StartupProbe);
        DefaultHttpGet(c.Lifecycle?.PostStart?.HttpGet);
        DefaultHttpGet(c.Lifecycle?.PreStop?.HttpGet);
    }

    // SetDefaults_HTTPGetAction.
    private static void DefaultHttpGet(V1HTTPGetAction? h)
    {
        if (h is null) return;
        if (string.IsNullOrEmpty(h.Path)) h.Path = "/";
        h.Scheme ??= "HTTP";
    }

    private static void DefaultProbe(V1Probe? p)
    {
        if (p is null) return;
        // SetDefaults_Probe: Go cannot tell 0 from unset, so an explicit 0 is defaulted too.
        if (p.TimeoutSeconds is null or 0) p.TimeoutSeconds = 1;
        if (p.PeriodSeconds is null or 0) p.PeriodSeconds = 10;
        if (p.SuccessThreshold is null or 0) p.SuccessThreshold = 1;
        if (p.FailureThreshold is null or 0) p.FailureThreshold = 3;
        DefaultHttpGet(p.HttpGet);
    }

    private static void DefaultVolume(V1Volume v)
    {
        if (v.ConfigMap is { } cm) cm.DefaultMode ??= 420;
        if (v.Secret is { } s) s.DefaultMode ??= 420;
        if (v.Projected is { } pr) pr.DefaultMode ??= 420;
        if (v.DownwardAPI is { } d) d.DefaultMode ??= 420;
        if (v.HostPath is { } hp) hp.Type ??= "";
        if (v.EmptyDir is null && v.ConfigMap is null && v.Secret is null && v.PersistentVolumeClaim is null && v.HostPath is null
            && v.Projected is null && v.DownwardAPI is null && v.Nfs is null && v.Ephemeral is null && v.Csi is null && v.Image is null)
            v.EmptyDir = new V1EmptyDirVolumeSource();
    }

    /// <summary>Always for <c>:latest</c> or untagged images, else IfNotPresent (digests count as tagged).</summary>
    public static string PullPolicyFor(string? image)
    {
        if (string.IsNullOrEmpty(image)) return "IfNotPresent";
        if (image.Contains('@')) return "IfNotPresent";
        var lastSlash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        var tag = colon > lastSlash ? image[(colon + 1)..] : "";
        return tag.Length == 0 || tag == "latest" ? "Always" : "IfNotPresent";
    }
}
