using System.Globalization;
using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Api.Client;
using Sim.Core.Kernel;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Core.Nodes;

/// <summary>
/// Runs one pod on a node as the kubelet's pod worker does: admission, sandbox, image pulls, container create/start,
/// readiness, exits and restarts (with CrashLoopBackOff), graceful termination, and the pod status it reports.
/// </summary>
internal sealed partial class PodWorker
{
    private enum Stage
    {
        New,
        Sandbox,
        Running,
        Terminating,
        Done,
    }

    private readonly Kubelet _kubelet;
    private readonly List<ContainerSlot> _init;
    private readonly List<ContainerSlot> _main;
    private Stage _stage = Stage.New;
    private SimTime? _startTime;
    private string? _podIp;
    private bool _sandboxReady;
    private bool _busy;
    private bool _statusQueued;
    private bool _syncQueued;
    private int _generation;
    private string? _rejection;
    private bool _terminating;
    private SimTime _lastPullFailure;
    // The status manager's cache of the conditions this kubelet owns, as it last wrote them.
    private List<V1PodCondition>? _ownConditions;
    private bool _reconcileQueued;

    public PodWorker(Kubelet kubelet, V1Pod pod)
    {
        _kubelet = kubelet;
        Pod = pod;
        Requests = Resources.Requests(pod.Spec);
        var annotations = pod.Metadata.Annotations;
        _init = (pod.Spec.InitContainers ?? []).Select(c => new ContainerSlot(c, true, ContainerProgram.For(c, annotations)) { WaitingReason = "PodInitializing" }).ToList();
        _main = (pod.Spec.Containers ?? []).Select(c => new ContainerSlot(c, false, ContainerProgram.For(c, annotations))
        {
            WaitingReason = pod.Spec.InitContainers is { Count: > 0 } ? "PodInitializing" : "ContainerCreating",
        }).ToList();
        foreach (var slot in _main) RecallPreviousInstance(slot, pod);
    }

    // A pod that already ran here before the machine went down: its containers died with it. As a kubelet finds them
    // after a reboot, each counts as terminated (exit 255, reason Unknown) and its restart count goes on from there.
    private void RecallPreviousInstance(ContainerSlot slot, V1Pod pod)
    {
        var previous = pod.Status?.ContainerStatuses?.FirstOrDefault(s => s.Name == slot.Name);
        if (previous is null || (previous.State?.Running is null && previous.State?.Terminated is null && previous.RestartCount == 0)) return;
        slot.EverStarted = true;
        slot.RestartCount = previous.RestartCount;
        slot.FinishedAt = Now;
        slot.Terminated = previous.State?.Terminated ?? new V1ContainerStateTerminated
        {
            ExitCode = 255,
            Reason = "Unknown",
            StartedAt = previous.State?.Running?.StartedAt,
            FinishedAt = Now.ToKubeTime(),
            ContainerID = previous.ContainerID,
        };
    }

    /// <summary>The pod's effective requests (a pod's spec cannot change them).</summary>
    public (long CpuMilli, long MemoryBytes) Requests { get; }

    /// <summary>The pod as last seen from the API.</summary>
    public V1Pod Pod { get; private set; }

    private string Uid => Pod.Metadata.Uid;

    private SimTime Now => _kubelet.Loop.Now;

    /// <summary>Whether this pod counts against the node's resources (admitted and not finished).</summary>
    public bool HoldsResources => _stage is Stage.Sandbox or Stage.Running or Stage.Terminating && _rejection is null;

    public void Update(V1Pod pod)
    {
        Pod = pod;
        if (_ownConditions is not null && KubeletPodConditions.Differ(pod.Status, _ownConditions)) QueueReconcile();
        if (pod.Metadata.DeletionTimestamp is not null && !_terminating)
        {
            BeginTermination();
            return;
        }
        if (_stage == Stage.New) Admit();
        else if (_stage is Stage.Sandbox or Stage.Running) ApplyNewImages(pod);
    }

    // A pod's container images may be changed in place. A running container is stopped and started again with the
    // new image (upstream: "definition changed", restarted whatever the restart policy); one still waiting (say in
    // ImagePullBackOff) simply tries the new image at once.
    private void ApplyNewImages(V1Pod pod)
    {
        var changed = false;
        foreach (var slot in _main.Concat(_init))
        {
            var spec = (slot.IsInit ? pod.Spec.InitContainers : pod.Spec.Containers)?.FirstOrDefault(c => c.Name == slot.Name);
            if (spec is null || spec.Image == slot.Spec.Image) continue;
            changed = true;
            var stopping = slot.Program;
            slot.Spec = spec;
            slot.Program = ContainerProgram.For(spec, pod.Metadata.Annotations);
            if (slot.IsInit || !slot.Running) continue;
            _kubelet.Recorder.Normal(Pod, "Killing", $"Container {slot.Name} definition changed, will be restarted", slot.FieldPath);
            slot.RestartForNewDefinition = true;
            var instance = slot.Instance;
            var grace = SimDuration.FromSeconds(Pod.Spec.TerminationGracePeriodSeconds ?? 30);
            if (stopping.HandlesSigterm)
                _kubelet.Loop.ScheduleAfter(SimDuration.FromMilliseconds(_kubelet.Random.NextInRange(100, 600)), () => Exited(slot, instance, 0, killed: true));
            else
                _kubelet.Loop.ScheduleAfter(grace, () => Exited(slot, instance, 137, killed: true));
        }
        if (!changed) return;
        // Whatever was under way for the old images (a pull, a create) is abandoned.
        _generation++;
        _busy = false;
        QueueSync();
    }

    // ------------------------------------------------------------------ admission and sandbox

    private void Admit()
    {
        var (cpu, mem) = Requests;
        var (usedCpu, usedMem, pods) = _kubelet.Admitted(Uid);
        var spec = _kubelet.Spec;
        var capCpu = Resources.MilliValue(new ResourceQuantity(spec.Cpu));
        var capMem = Saturating.Subtract(Resources.Value(new ResourceQuantity(spec.Memory)), NodeObject.EvictionThresholdBytes);
        string? reason = null, message = null;
        if (pods + 1 > spec.MaxPods)
        {
            reason = "OutOfpods";
            message = $"Node didn't have enough resource: pods, requested: 1, used: {pods}, capacity: {spec.MaxPods}";
        }
        // Compared in Int128: requests and capacities may each be as large as a long holds.
        else if (cpu > 0 && (Int128)usedCpu + cpu > capCpu)
        {
            reason = "OutOfcpu";
            message = $"Node didn't have enough resource: cpu, requested: {cpu}, used: {usedCpu}, capacity: {capCpu}";
        }
        else if (mem > 0 && (Int128)usedMem + mem > capMem)
        {
            reason = "OutOfmemory";
            message = $"Node didn't have enough resource: memory, requested: {mem}, used: {usedMem}, capacity: {capMem}";
        }
        if (reason is null && _kubelet.Node is { } node
            && NodeAdmission.Check(Pod, node, _kubelet.Workers.Values.Where(w => w != this && w.HoldsResources).Select(w => w.Pod)) is { } refused)
            (reason, message) = refused;
        _startTime = Now;
        if (reason is not null)
        {
            // Kubelet admission refuses a pod the scheduler placed on a node that no longer has room for it.
            _rejection = reason;
            _stage = Stage.Done;
            // The event carries the admission message; only the status says it was a rejection (upstream's rejectPod).
            _kubelet.Recorder.Warning(Pod, reason, message!);
            Spawn(() => WriteStatus(s =>
            {
                s.Phase = "Failed";
                s.Reason = reason;
                s.Message = "Pod was rejected: " + message;
                s.StartTime = _startTime.Value.ToKubeTime();
            }));
            return;
        }
        _stage = Stage.Sandbox;
        QueueStatus();
        // The volume manager mounts the pod's volumes before its sandbox is made (PodWorker.Volumes.cs).
        MountVolumes();
    }

    private void CreateSandbox()
    {
        var generation = _generation;
        var delay = SimDuration.FromMilliseconds(_kubelet.Random.NextInRange(400, 900));
        _kubelet.Loop.ScheduleAfter(delay, () =>
        {
            if (generation != _generation || _stage != Stage.Sandbox) return;
            _podIp = _kubelet.Network.Allocate();
            _sandboxReady = true;
            _stage = Stage.Running;
            QueueStatus();
            QueueSync();
        });
    }

    // ------------------------------------------------------------------ the sync loop

    private void QueueSync(SimDuration? after = null)
    {
        if (after is null)
        {
            if (_syncQueued) return;
            _syncQueued = true;
        }
        var generation = _generation;
        _kubelet.Loop.ScheduleAfter(after ?? SimDuration.Zero, () =>
        {
            if (after is null) _syncQueued = false;
            if (generation == _generation) Sync();
        });
    }

    /// <summary>Decides the next thing to do: start the next init container, then the app containers, restarting exited ones.</summary>
    private void Sync()
    {
        if (_stage != Stage.Running || _busy) return;
        foreach (var slot in _init)
        {
            if (slot.Terminated is { ExitCode: 0 } && !slot.Running) continue;
            if (slot.Running) return;
            if (slot.Terminated is { } failed && !WillRestart(failed.ExitCode))
            {
                FinishAsFailed();
                return;
            }
            TryStart(slot);
            return;
        }
        foreach (var slot in _main)
        {
            if (slot.Running) continue;
            if (slot.Terminated is { } t)
            {
                // A container still in its restart backoff waits; the others go on.
                if (!(WillRestart(t.ExitCode) || slot.RestartForNewDefinition) || !TryStart(slot)) continue;
                return;
            }
            if (!slot.EverStarted)
            {
                TryStart(slot);
                return;
            }
        }
        if (_main.All(s => s.Terminated is { } t && !s.Running && !WillRestart(t.ExitCode) && !s.RestartForNewDefinition)) Complete();
    }

    private bool WillRestart(int exitCode) => Pod.Spec.RestartPolicy switch
    {
        "Never" => false,
        "OnFailure" => exitCode != 0,
        _ => true,
    };

    private void Complete()
    {
        if (_stage == Stage.Done) return;
        _stage = Stage.Done;
        QueueStatus();
    }

    private void FinishAsFailed()
    {
        _stage = Stage.Done;
        QueueStatus();
    }
}
