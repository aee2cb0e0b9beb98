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
            if (setup.Failed.Count > 0)
            {
                foreach (var (volume, error) in setup.Failed)
                    _kubelet.Recorder.Warning(Pod, "FailedMount", $"MountVolume.SetUp failed for volume \"{volume}\" : {error}");
                var wait = _mountBackoff;
                _mountBackoff = SimDuration.Min(_mountBackoff * 2, MountBackoffMax);
                _kubelet.Loop.ScheduleAfter(wait, RetryMount(generation));
                return;
            }
            _volumes = setup;
            CreateSandbox();
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
        var (_, error) = BuildEnvironment(slot);
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

    private (List<KeyValuePair<string, string>>? Environment, string? Error) BuildEnvironment(ContainerSlot slot)
    {
        if (slot.Spec.Env is null && slot.Spec.EnvFrom is null && _kubelet.Services is null)
            return ([new("PATH", ImageFiles.DefaultPath), new("HOSTNAME", Identity.Hostname), new("HOME", "/root")], null);
        var machine = _kubelet.Machine;
        var allocatable = (Resources.MilliValue(new ResourceQuantity(machine.Spec.Cpu)), Resources.Value(new ResourceQuantity(machine.Spec.Memory)));
        return Files.ContainerEnvironment.Build(Pod, slot.Spec, Identity.Hostname, _podIp, NodeObject.InternalIp(_kubelet.Index),
            _volumes?.EnvSources ?? [], _kubelet.Services?.All ?? [], allocatable);
    }

    private IReadOnlyList<KeyValuePair<string, string>> StartEnvironment(ContainerSlot slot) => BuildEnvironment(slot).Environment ?? [];

    private PodIdentity? _identity;

    /// <summary>The pod's hostname and domain (the pod spec cannot change them).</summary>
    internal PodIdentity Identity => _identity ??= PodIdentity.Of(Pod, _kubelet.NodeName);
}
