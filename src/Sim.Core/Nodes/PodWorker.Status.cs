using System.Globalization;
using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Api.Client;
using Sim.Core.Kernel;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Core.Nodes;

// The pod status the worker writes: the status manager's queueing, retries and reconcile, and the kubelet's getPhase.
internal sealed partial class PodWorker
{
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

        var terminal = PodState.IsTerminal(s.Phase);
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
