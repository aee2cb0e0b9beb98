using k8s.Models;
using Sim.Core.Nodes.Files;
using Sim.Core.Time;

namespace Sim.Core.Nodes;

// Volumes: the volume manager's mount before the sandbox, its retries and events, and each container's environment.
internal sealed partial class PodWorker
{
    // The operation executor retries a failed SetUp from 500 ms, doubling to 2m2s (exponentialbackoff).
    private static readonly SimDuration MountBackoffStart = SimDuration.FromMilliseconds(500);
    private static readonly SimDuration MountBackoffMax = SimDuration.FromSeconds(122);

    private VolumeSetup? _volumes;
    private SimDuration _mountBackoff = MountBackoffStart;

    /// <summary>The pod's mounted volumes (null until the volume manager has mounted them all).</summary>
    internal VolumeSetup? Volumes => _volumes;

    private void MountVolumes()
    {
        var generation = _generation;
        // Volumes that need no API read (emptyDir, hostPath, the token) mount at once, so the sandbox follows at the
        // very same instant it did before volumes were modelled.
        Spawn(async () =>
        {
            var setup = await VolumeManager.Mount(Pod, _kubelet.Client, _kubelet.Machine, Now, () => _podIp);
            if (generation != _generation || _stage != Stage.Sandbox) return;
            if (setup.Complete)
            {
                _volumes = setup;
                CreateSandbox();
                return;
            }
            if (setup.Unprocessable.Count > 0)
            {
                // The populator's errors fail the pod worker's WaitForAttachAndMount at once; the pod sync is retried
                // after the pod worker's backoff (10 s, jittered by half).
                var names = setup.Unprocessable.Select(u => u.Volume).Order(StringComparer.Ordinal).ToList();
                var unmounted = names.Concat(setup.Failed.Select(f => f.Volume)).Distinct().Order(StringComparer.Ordinal);
                _kubelet.Recorder.Warning(Pod, "FailedMount",
                    $"Unable to attach or mount volumes: unmounted volumes=[{string.Join(' ', unmounted)}], unattached volumes=[], failed to process volumes=[{string.Join(' ', names)}]: "
                    + string.Join("; ", setup.Unprocessable.Select(u => u.Error)));
                _kubelet.Loop.ScheduleAfter(SimDuration.FromMilliseconds(_kubelet.Random.NextInRange(10_000, 15_000)), RetryMount(generation));
                return;
            }
            foreach (var (volume, error) in setup.Failed)
                _kubelet.Recorder.Warning(Pod, "FailedMount", $"MountVolume.SetUp failed for volume \"{volume}\" : {error}");
            var wait = _mountBackoff;
            _mountBackoff = SimDuration.Min(_mountBackoff * 2, MountBackoffMax);
            _kubelet.Loop.ScheduleAfter(wait, RetryMount(generation));
        });
    }

    private Action RetryMount(int generation) => () =>
    {
        if (generation == _generation && _stage == Stage.Sandbox && _volumes is null) MountVolumes();
    };

    // generateContainerConfig: a ConfigMap or Secret the environment needs is missing. The container waits in
    // CreateContainerConfigError; the sources are read again and the start retried after the pod worker's backoff.
    private bool ContainerConfigError(ContainerSlot slot)
    {
        if (!NeedsSources(slot.Spec)) return false;
        var (_, error) = BuildEnvironment(slot.Spec, Pod, _podIp, _volumes?.EnvSources ?? NoSources, ServiceLinks());
        if (error is null) return false;
        slot.WaitingReason = "CreateContainerConfigError";
        slot.WaitingMessage = error;
        _kubelet.Recorder.Warning(Pod, "Failed", "Error: " + error, slot.FieldPath);
        _busy = false;
        QueueStatus();
        var generation = _generation;
        _kubelet.Loop.ScheduleAfter(SimDuration.FromMilliseconds(_kubelet.Random.NextInRange(10_000, 15_000)), () =>
        {
            if (generation != _generation || _volumes is null) return;
            Spawn(async () =>
            {
                _volumes.EnvSources.Clear();
                await VolumeManager.ReadEnvSources(Pod, _kubelet.Client, _volumes);
                if (generation == _generation) QueueSync();
            });
        });
        return true;
    }

    private static bool NeedsSources(k8s.Models.V1Container c) =>
        c.EnvFrom is { Count: > 0 } || c.Env?.Any(e => e.ValueFrom?.ConfigMapKeyRef is not null || e.ValueFrom?.SecretKeyRef is not null) == true;

    private IReadOnlyList<KeyValuePair<string, string>> ServiceLinks() =>
        _kubelet.ServiceLinks(Pod.Metadata.NamespaceProperty, Pod.Spec.EnableServiceLinks != false);

    private static readonly IReadOnlyDictionary<(string Kind, string Name), KubeObject?> NoSources = new Dictionary<(string Kind, string Name), KubeObject?>();

    private (List<KeyValuePair<string, string>>? Environment, string? Error) BuildEnvironment(k8s.Models.V1Container spec, k8s.Models.V1Pod pod, string? podIp,
        IReadOnlyDictionary<(string Kind, string Name), KubeObject?> sources, IReadOnlyList<KeyValuePair<string, string>> serviceEnv) =>
        Files.ContainerEnvironment.Build(pod, spec, Identity.Hostname, podIp, NodeObject.InternalIp(_kubelet.Index), sources, serviceEnv, _kubelet.Machine.Capacity);

    // What the environment is made of is taken now (the pod as it is, the sources read, the services known); the
    // variables themselves are spelt out when first needed, as most containers are never exec'd into.
    private Func<IReadOnlyList<KeyValuePair<string, string>>> StartEnvironment(ContainerSlot slot)
    {
        var pod = Pod;
        var podIp = _podIp;
        var spec = slot.Spec;
        var sources = NeedsSources(spec) && _volumes is not null
            ? new Dictionary<(string Kind, string Name), KubeObject?>(_volumes.EnvSources)
            : NoSources;
        var serviceEnv = ServiceLinks();
        return () => BuildEnvironment(spec, pod, podIp, sources, serviceEnv).Environment ?? [];
    }

    private PodIdentity? _identity;

    /// <summary>The pod's hostname and domain (the pod spec cannot change them).</summary>
    internal PodIdentity Identity => _identity ??= PodIdentity.Of(Pod, _kubelet.NodeName);
}
