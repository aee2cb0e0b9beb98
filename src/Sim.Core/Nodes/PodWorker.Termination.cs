using System.Globalization;
using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Api.Client;
using Sim.Core.Kernel;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Core.Nodes;

// Termination: preStop hooks, SIGTERM and SIGKILL within the grace period, and what a deleted pod's containers report.
internal sealed partial class PodWorker
{
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
        _kubelet.Machine.Disk.ForgetPod(Uid);
    }
}
