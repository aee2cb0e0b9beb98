using System.Globalization;
using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Api.Client;
using Sim.Core.Kernel;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Core.Nodes;

// Containers: start with restart backoff, image pulls, create and start, exits, and kills.
internal sealed partial class PodWorker
{
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
        if (slot.ParsedImage is not { } parsed || !ReferenceEquals(parsed.Image, image))
        {
            var problem = ImageReference.Problem(image);
            slot.ParsedImage = parsed = (image, problem is null ? null : $"Failed to apply default image tag {Sim.Core.Api.GoValue.Quote(image)}: {problem}");
        }
        if (parsed.Message is { } invalid)
        {
            // The kubelet parses the name before anything else; no registry is asked.
            slot.WaitingReason = "InvalidImageName";
            slot.WaitingMessage = invalid;
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
            if (ContainerConfigError(slot)) return;
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
        // A new instance gets a fresh writable layer and the environment of now.
        slot.Layer = null;
        slot.SetEnvironment(StartEnvironment(slot));
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
        // Processes exec'd into the container die with it.
        foreach (var exec in slot.ExecClocks.ToList()) exec.Kill();
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
}
