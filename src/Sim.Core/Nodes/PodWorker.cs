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
internal sealed class PodWorker
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

    // Upstream keys the backoff by the container's hash too: a new definition starts without backoff.
    private string BackoffKey(ContainerSlot slot) => Uid + "/" + slot.Name + "/" + slot.Spec.Image;

    /// <summary>Starts (or restarts) a container; false when its restart backoff has not expired yet.</summary>
    private bool TryStart(ContainerSlot slot)
    {
        if (slot.Terminated is not null)
        {
            var finished = slot.FinishedAt;
            var key = BackoffKey(slot);
            if (_kubelet.Backoff.IsInBackoffSince(key, finished, Now))
            {
                var backoff = GoDuration.Format(_kubelet.Backoff.Current(key));
                var podRef = $"{Pod.Metadata.Name}_{Pod.Metadata.NamespaceProperty}({Uid})";
                slot.WaitingReason = "CrashLoopBackOff";
                slot.WaitingMessage = $"back-off {backoff} restarting failed container={slot.Name} pod={podRef}";
                _kubelet.Recorder.Warning(Pod, "BackOff", $"Back-off restarting failed container {slot.Name} in pod {podRef}", slot.FieldPath);
                QueueStatus();
                // The pod worker retries 10-15 s later (its jittered backoff), not the instant the backoff expires.
                QueueSync(SimDuration.FromMilliseconds(_kubelet.Random.NextInRange(10_000, 15_000)));
                return false;
            }
            _kubelet.Backoff.Next(key, finished, Now);
        }
        _busy = true;
        var generation = _generation;
        var image = slot.Spec.Image ?? "";
        var policy = slot.Spec.ImagePullPolicy ?? "IfNotPresent";
        SimDuration? pullOverride = Pod.Metadata.Annotations?.TryGetValue(ContainerProgram.ImagePullAnnotation, out var p) == true
            && GoDuration.TryParse(p, out var d, out _) ? d : null;
        if (ImageReference.Problem(image) is { } invalid)
        {
            // The kubelet parses the name before anything else; no registry is asked.
            slot.WaitingReason = "InvalidImageName";
            slot.WaitingMessage = $"Failed to apply default image tag {Sim.Core.Api.GoValue.Quote(image)}: {invalid}";
            _kubelet.Recorder.Warning(Pod, "InspectFailed", slot.WaitingMessage, slot.FieldPath);
            _kubelet.Recorder.Warning(Pod, "Failed", "Error: InvalidImageName", slot.FieldPath);
            _busy = false;
            QueueStatus();
            QueueSync(SimDuration.FromMilliseconds(_kubelet.Random.NextInRange(10_000, 15_000)));
            return false;
        }
        var cached = _kubelet.Images.Has(image);
        if (policy == "Never" && !cached)
        {
            slot.WaitingReason = "ErrImageNeverPull";
            slot.WaitingMessage = $"Container image \"{image}\" is not present with pull policy of Never";
            _kubelet.Recorder.Warning(Pod, "ErrImageNeverPull", slot.WaitingMessage, slot.FieldPath);
            _kubelet.Recorder.Warning(Pod, "Failed", "Error: ErrImageNeverPull", slot.FieldPath);
            _busy = false;
            QueueStatus();
            // The failed sync is retried after the pod worker's backoff: the image may have arrived meanwhile.
            QueueSync(SimDuration.FromMilliseconds(_kubelet.Random.NextInRange(10_000, 15_000)));
            return false;
        }
        if (policy == "Always" || !cached)
        {
            var pullKey = Uid + "_" + image;
            if (slot.WaitingReason is "ErrImagePull" or "ImagePullBackOff" && _kubelet.ImageBackoff.IsInBackoffSince(pullKey, _lastPullFailure, Now))
            {
                // Still backing off after a failed pull.
                slot.WaitingReason = "ImagePullBackOff";
                slot.WaitingMessage = $"Back-off pulling image \"{image}\"";
                _kubelet.Recorder.Normal(Pod, "BackOff", $"Back-off pulling image \"{image}\"", slot.FieldPath);
                _kubelet.Recorder.Warning(Pod, "Failed", "Error: ImagePullBackOff", slot.FieldPath);
                _busy = false;
                QueueStatus();
                QueueSync(SimDuration.FromMilliseconds(_kubelet.Random.NextInRange(10_000, 15_000)));
                return false;
            }
            _kubelet.Recorder.Normal(Pod, "Pulling", $"Pulling image \"{image}\"", slot.FieldPath);
            _kubelet.Images.Pull(image, pullOverride, (took, total, size) =>
            {
                if (generation != _generation) return;
                _kubelet.Recorder.Normal(Pod, "Pulled",
                    $"Successfully pulled image \"{image}\" in {GoDuration.Format(took)} ({GoDuration.Format(total)} including waiting). Image size: {size} bytes.", slot.FieldPath);
                CreateAndStart(slot, generation);
            }, error =>
            {
                if (generation != _generation) return;
                _lastPullFailure = Now;
                _kubelet.ImageBackoff.Next(pullKey, Now, Now);
                slot.WaitingReason = "ErrImagePull";
                slot.WaitingMessage = error;
                _kubelet.Recorder.Warning(Pod, "Failed", $"Failed to pull image \"{image}\": {error}", slot.FieldPath);
                _kubelet.Recorder.Warning(Pod, "Failed", "Error: ErrImagePull", slot.FieldPath);
                _busy = false;
                QueueStatus();
                // The failed sync is retried within a couple of seconds, which finds the pull backing off.
                QueueSync(SimDuration.FromMilliseconds(_kubelet.Random.NextInRange(1_000, 2_500)));
            });
        }
        else
        {
            _kubelet.Recorder.Normal(Pod, "Pulled", $"Container image \"{image}\" already present on machine", slot.FieldPath);
            CreateAndStart(slot, generation);
        }
        return true;
    }

    private void CreateAndStart(ContainerSlot slot, int generation)
    {
        var loop = _kubelet.Loop;
        loop.ScheduleAfter(SimDuration.FromMilliseconds(_kubelet.Random.NextInRange(20, 80)), () =>
        {
            if (generation != _generation) return;
            _kubelet.Recorder.Normal(Pod, "Created", $"Created container: {slot.Name}", slot.FieldPath);
            loop.ScheduleAfter(SimDuration.FromMilliseconds(_kubelet.Random.NextInRange(20, 80)), () =>
            {
                if (generation != _generation) return;
                Start(slot);
                _kubelet.Recorder.Normal(Pod, "Started", $"Started container {slot.Name}", slot.FieldPath);
                _busy = false;
                QueueStatus();
                QueueSync();
            });
        });
    }

    private void Start(ContainerSlot slot)
    {
        if (slot.Terminated is { } previous && slot.EverStarted)
        {
            slot.LastTermination = previous;
            slot.RestartCount++;
        }
        slot.Terminated = null;
        slot.RestartForNewDefinition = false;
        slot.WaitingReason = null;
        slot.WaitingMessage = null;
        slot.StartedAt = Now;
        slot.EverStarted = true;
        slot.RunningImage = ImageCatalog.Qualified(slot.Spec.Image ?? "");
        slot.ContainerId = "containerd://" + Hex64();
        var instance = ++slot.Instance;
        var program = slot.Program;
        var startupDelay = slot.Spec.StartupProbe is { } sp ? SimDuration.FromSeconds(sp.InitialDelaySeconds ?? 0) : SimDuration.Zero;
        slot.Started = startupDelay == SimDuration.Zero;
        _kubelet.Logs.StartInstance(Uid, slot.Name);
        foreach (var line in program.Output)
        {
            var text = line.Text;
            _kubelet.Loop.ScheduleAfter(line.Offset, () =>
            {
                if (slot.Instance == instance && slot.Running)
                    _kubelet.Logs.Append(Uid, slot.Name, text.Replace("{time}", Now.ToDateTime().ToString("yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture), StringComparison.Ordinal));
            });
        }
        if (program.RunFor is { } runFor)
            _kubelet.Loop.ScheduleAfter(runFor, () => Exited(slot, instance, program.ExitCode, killed: false));
        if (!slot.IsInit)
        {
            // Without a readiness probe a container is ready as soon as it runs; with one, once the first probe passes.
            var probe = slot.Spec.ReadinessProbe;
            var readyAfter = SimDuration.Max(startupDelay, probe is null ? SimDuration.Zero
                : SimDuration.FromSeconds((probe.InitialDelaySeconds ?? 0) + (long)((probe.SuccessThreshold ?? 1) - 1) * (probe.PeriodSeconds ?? 10)));
            if (readyAfter == SimDuration.Zero) slot.Ready = true;
            else _kubelet.Loop.ScheduleAfter(readyAfter, () =>
            {
                if (slot.Instance != instance || !slot.Running) return;
                slot.Ready = true;
                slot.Started = true;
                QueueStatus();
            });
        }
    }

    private void Exited(ContainerSlot slot, int instance, int exitCode, bool killed)
    {
        if (slot.Instance != instance || !slot.Running) return;
        slot.Terminated = new V1ContainerStateTerminated
        {
            ExitCode = exitCode,
            Reason = exitCode == 0 ? "Completed" : "Error",
            StartedAt = slot.StartedAt!.Value.ToKubeTime(),
            FinishedAt = Now.ToKubeTime(),
            ContainerID = slot.ContainerId,
        };
        slot.FinishedAt = Now;
        slot.StartedAt = null;
        slot.Ready = false;
        slot.Started = false;
        slot.WaitingReason = null;
        _ = killed;
        QueueStatus();
        if (_stage == Stage.Terminating) TerminationProgress();
        else QueueSync();
    }

    /// <summary>A fault: the container's process dies with <paramref name="exitCode"/>.</summary>
    public string? Kill(string container, int exitCode)
    {
        var slot = _main.Concat(_init).FirstOrDefault(s => s.Name == container);
        if (slot is null) return $"pod {Pod.Metadata.Name} has no container named \"{container}\"";
        if (!slot.Running) return $"container {container} of pod {Pod.Metadata.Name} is not running";
        Exited(slot, slot.Instance, exitCode, killed: true);
        return null;
    }

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

    // ------------------------------------------------------------------ termination

    private void BeginTermination()
    {
        _terminating = true;
        _stage = Stage.Terminating;
        _generation++;
        _busy = false;
        var deadline = SimTime.FromDateTime(Pod.Metadata.DeletionTimestamp!.Value);
        var running = _main.Concat(_init).Where(s => s.Running).ToList();
        foreach (var slot in running)
        {
            _kubelet.Recorder.Normal(Pod, "Killing", $"Stopping container {slot.Name}", slot.FieldPath);
            var instance = slot.Instance;
            if (PreStopHook(slot) is { } hook)
            {
                StopAfterPreStop(slot, instance, hook);
                continue;
            }
            if (slot.Program.HandlesSigterm)
                _kubelet.Loop.ScheduleAfter(SimDuration.FromMilliseconds(_kubelet.Random.NextInRange(100, 600)), () => Exited(slot, instance, 0, killed: true));
            else
                _kubelet.Loop.Schedule(deadline, () => Exited(slot, instance, 137, killed: true));
        }
        // Containers that never started are simply not created.
        foreach (var slot in _main.Concat(_init).Where(s => !s.Running && s.Terminated is null)) slot.WaitingReason ??= "ContainerCreating";
        TerminationProgress();
    }

    // How long a container's preStop hook runs (null: forever) and whether it fails; null when it has none.
    private static (SimDuration? Runs, bool Fails)? PreStopHook(ContainerSlot slot)
    {
        var hook = slot.Spec.Lifecycle?.PreStop;
        if (hook is null) return null;
        if (hook.Sleep is { } sleep) return (SimDuration.FromSeconds(sleep.Seconds), false);
        if (hook.Exec?.Command is { Count: > 0 } command)
        {
            var program = ContainerProgram.For(new V1Container { Name = slot.Name, Image = slot.Spec.Image, Command = command }, null);
            return (program.RunFor, program.ExitCode != 0);
        }
        // An httpGet or tcpSocket hook is answered at once by the simulated container.
        return (SimDuration.Zero, false);
    }

    // Upstream's killContainer: the hook runs first, for at most the grace period; the whole seconds it took are
    // taken off the grace period, which never drops below 2 s; then SIGTERM, and SIGKILL when that runs out.
    private void StopAfterPreStop(ContainerSlot slot, int instance, (SimDuration? Runs, bool Fails) hook)
    {
        var grace = Pod.Metadata.DeletionGracePeriodSeconds ?? Pod.Spec.TerminationGracePeriodSeconds ?? 30;
        var graceSpan = SimDuration.FromSeconds(grace);
        var waited = hook.Runs is { } runs && runs < graceSpan ? runs : graceSpan;
        var remaining = Math.Max(grace - (long)waited.TotalSeconds, 2);
        var program = slot.Program;
        _kubelet.Loop.ScheduleAfter(waited, () =>
        {
            if (slot.Instance != instance || !slot.Running) return;
            if (hook.Fails && hook.Runs is { } r && r < graceSpan)
                _kubelet.Recorder.Warning(Pod, "FailedPreStopHook", "PreStopHook failed", slot.FieldPath);
            if (program.HandlesSigterm)
                _kubelet.Loop.ScheduleAfter(SimDuration.FromMilliseconds(_kubelet.Random.NextInRange(100, 600)), () => Exited(slot, instance, 0, killed: true));
            else
                _kubelet.Loop.ScheduleAfter(SimDuration.FromSeconds(remaining), () => Exited(slot, instance, 137, killed: true));
        });
    }

    private void TerminationProgress()
    {
        if (_main.Concat(_init).Any(s => s.Running)) return;
        // All containers stopped: report the final status, then confirm the deletion (grace period 0).
        _stage = Stage.Done;
        SettleTerminatedContainers();
        Spawn(async () =>
        {
            await FlushStatus();
            _kubelet.Loop.Post(() => Spawn(async () =>
                await _kubelet.Client.Delete<V1Pod>(Pod.Metadata.NamespaceProperty, Pod.Metadata.Name, new DeleteOptions { GracePeriodSeconds = 0, PreconditionUid = Uid })));
        });
    }

    // A deleted pod's containers are not restarted, so none is Waiting any more (upstream's ShouldContainerBeRestarted
    // is false once deletionTimestamp is set), and once the pod has initialized, a container that never ran is
    // reported as terminated with an unknown status, exit 137 (statusManager.TerminatePod).
    private void SettleTerminatedContainers()
    {
        var initialized = _init.All(c => c.Terminated is { ExitCode: 0 }) || _main.Any(c => c.EverStarted);
        foreach (var slot in _main)
        {
            if (slot.Terminated is not null)
            {
                if (slot.WaitingReason is not null)
                {
                    slot.WaitingReason = null;
                    slot.WaitingMessage = null;
                }
            }
            else if (initialized)
            {
                slot.WaitingReason = null;
                slot.WaitingMessage = null;
                slot.Terminated = new V1ContainerStateTerminated
                {
                    Reason = "ContainerStatusUnknown",
                    Message = "The container could not be located when the pod was terminated",
                    ExitCode = 137,
                };
            }
        }
    }

    /// <summary>The pod is gone from the API: stop whatever still runs and free its address.</summary>
    public void Removed()
    {
        _generation++;
        _stage = Stage.Done;
        foreach (var slot in _main.Concat(_init)) slot.Instance++;
        _kubelet.Network.Release(_podIp);
        _kubelet.Backoff.Forget(Uid);
        _kubelet.Logs.Forget(Uid);
    }

    // ------------------------------------------------------------------ status

    private void QueueStatus()
    {
        if (_statusQueued) return;
        _statusQueued = true;
        _kubelet.Loop.Post(() =>
        {
            _statusQueued = false;
            Spawn(FlushStatus);
        });
    }

    private ValueTask FlushStatus() => _rejection is not null ? ValueTask.CompletedTask : WriteStatus(BuildStatus);

    // The status manager's syncBatch: at its next 10 s tick, a status whose kubelet conditions were changed behind the
    // kubelet's back (and are still different) is written again from what the kubelet knows.
    private void QueueReconcile()
    {
        if (_reconcileQueued) return;
        _reconcileQueued = true;
        _kubelet.Loop.Schedule(_kubelet.NextStatusSync(), () =>
        {
            _reconcileQueued = false;
            if (_ownConditions is not null && KubeletPodConditions.Differ(Pod.Status, _ownConditions)) Spawn(FlushStatus);
        });
    }

    private async ValueTask WriteStatus(Action<V1PodStatus> fill)
    {
        var current = (await _kubelet.Client.Get<V1Pod>(Pod.Metadata.NamespaceProperty, Pod.Metadata.Name)).Value;
        if (current is null || current.Metadata.Uid != Uid) return;
        // Like the kubelet's status patch, only the status is sent (with the uid as a precondition).
        var status = current.Status is null ? new V1PodStatus() : ModelCopy.Clone(current.Status);
        if (_ownConditions is not null) KubeletPodConditions.Restore(status, _ownConditions);
        fill(status);
        var patch = new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta { Name = current.Metadata.Name, NamespaceProperty = current.Metadata.NamespaceProperty, Uid = Uid },
            Status = status,
        };
        var result = await _kubelet.Client.UpdateStatus(patch);
        if (!result.IsSuccess) return;
        Pod = result.Value!;
        _ownConditions = KubeletPodConditions.Of(Pod.Status);
    }

    // Work the pod worker starts runs as the kubelet's: it stops with the kubelet process.
    private void Spawn(Func<ValueTask> work) => _kubelet.Lifetime!.Spawn(work);

    private void BuildStatus(V1PodStatus s)
    {
        var now = Now;
        s.HostIP = NodeObject.InternalIp(_kubelet.Index);
        s.HostIPs = [new V1HostIP { Ip = s.HostIP }];
        if (_podIp is not null)
        {
            s.PodIP = _podIp;
            s.PodIPs = [new V1PodIP { Ip = _podIp }];
        }
        s.StartTime = _startTime?.ToKubeTime();
        var initDone = _init.All(c => c.Terminated is { ExitCode: 0 });
        s.Phase = Phase(initDone);
        s.InitContainerStatuses = _init.Count == 0 ? null : _init.Select(c => c.ToStatus()).ToList();
        s.ContainerStatuses = _main.Select(c => c.ToStatus()).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();

        var terminal = s.Phase is "Succeeded" or "Failed";
        var unready = _main.Where(c => !c.Ready).Select(c => c.Name).ToList();
        Conditions.SetPodCondition(s, "PodReadyToStartContainers", _sandboxReady && _stage != Stage.Done ? "True" : "False", null, null, now);
        if (initDone) Conditions.SetPodCondition(s, "Initialized", "True", null, null, now);
        else Conditions.SetPodCondition(s, "Initialized", "False", "ContainersNotInitialized",
            $"containers with incomplete status: [{string.Join(" ", _init.Where(c => c.Terminated is not { ExitCode: 0 }).Select(c => c.Name))}]", now);
        if (terminal)
        {
            Conditions.SetPodCondition(s, "Ready", "False", "PodCompleted", null, now);
            Conditions.SetPodCondition(s, "ContainersReady", "False", "PodCompleted", null, now);
        }
        else if (unready.Count == 0 && initDone)
        {
            Conditions.SetPodCondition(s, "Ready", "True", null, null, now);
            Conditions.SetPodCondition(s, "ContainersReady", "True", null, null, now);
        }
        else
        {
            var message = $"containers with unready status: [{string.Join(" ", unready)}]";
            Conditions.SetPodCondition(s, "Ready", "False", "ContainersNotReady", message, now);
            Conditions.SetPodCondition(s, "ContainersReady", "False", "ContainersNotReady", message, now);
        }
        // Keep Kubernetes' order: PodReadyToStartContainers, Initialized, Ready, ContainersReady, PodScheduled.
        var order = new[] { "PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled" };
        s.Conditions = s.Conditions!.OrderBy(c => Array.IndexOf(order, c.Type) is var i && i < 0 ? order.Length : i).ToList();
    }

    /// <summary>The kubelet's getPhase: Pending, Running, Succeeded or Failed from the containers' states and restart policy.</summary>
    private string Phase(bool initDone)
    {
        // A deleted pod ends terminal: Succeeded only when every container exited 0, Failed otherwise (a container
        // that never ran included).
        if (_stage == Stage.Done && _main.All(c => !c.Running) && Pod.Metadata.DeletionTimestamp is not null)
            return _main.All(c => c.Terminated is { ExitCode: 0 }) ? "Succeeded" : "Failed";
        if (_init.Any(c => c.Terminated is { ExitCode: not 0 } t && !c.Running && !WillRestart(t.ExitCode))) return "Failed";
        if (!initDone) return "Pending";
        int running = 0, waiting = 0, stopped = 0, succeeded = 0;
        foreach (var c in _main)
        {
            if (c.Running) running++;
            else if (c.Terminated is { } t && c.WaitingReason is null)
            {
                stopped++;
                if (t.ExitCode == 0) succeeded++;
            }
            else if (c.LastTermination is not null || c.Terminated is not null) stopped++;
            else waiting++;
        }
        if (waiting > 0) return "Pending";
        if (running > 0) return "Running";
        if (stopped > 0)
        {
            return Pod.Spec.RestartPolicy switch
            {
                "Never" => succeeded == stopped ? "Succeeded" : "Failed",
                "OnFailure" => succeeded == stopped ? "Succeeded" : "Running",
                _ => "Running",
            };
        }
        return "Pending";
    }

    private string Hex64()
    {
        Span<char> chars = stackalloc char[64];
        for (var i = 0; i < chars.Length; i++) chars[i] = "0123456789abcdef"[_kubelet.Random.Next(16)];
        return new string(chars);
    }
}
