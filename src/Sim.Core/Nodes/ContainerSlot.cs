using k8s.Models;
using Sim.Core.Time;

namespace Sim.Core.Nodes;

/// <summary>The kubelet's view of one container of a pod: its current state, last termination and counters.</summary>
internal sealed class ContainerSlot(V1Container spec, bool isInit, ContainerProgram program)
{
    /// <summary>The container's spec; its image may change while the pod runs.</summary>
    public V1Container Spec { get; set; } = spec;

    public bool IsInit { get; } = isInit;

    public ContainerProgram Program { get; set; } = program;

    /// <summary>Stopped because its definition changed: started again whatever the restart policy says.</summary>
    public bool RestartForNewDefinition { get; set; }

    public string Name => Spec.Name;

    /// <summary>Bumped on every start, so that timers of an earlier instance do nothing.</summary>
    public int Instance { get; set; }

    public string? WaitingReason { get; set; } = "ContainerCreating";

    public string? WaitingMessage { get; set; }

    /// <summary>
    /// The image name last parsed for this container and the InvalidImageName message it gave (null when it parsed):
    /// the kubelet parses on every sync, every 10-15 s, and a name of 100,000 characters (the API sets no limit) made
    /// each parse and message cost milliseconds.
    /// </summary>
    public (string Image, string? Message)? ParsedImage { get; set; }

    public SimTime? StartedAt { get; set; }

    public V1ContainerStateTerminated? Terminated { get; set; }

    /// <summary>When the last instance exited, to the tick (the status shows whole seconds).</summary>
    public SimTime FinishedAt { get; set; }

    public V1ContainerStateTerminated? LastTermination { get; set; }

    public int RestartCount { get; set; }

    public bool Ready { get; set; }

    public bool Started { get; set; }

    public bool EverStarted { get; set; }

    public string? ContainerId { get; set; }

    public string? RunningImage { get; set; }

    public bool Running => StartedAt is not null && Terminated is null;

    /// <summary>The running instance's writable layer, made on first use; a new instance starts without one.</summary>
    public Files.FsNode? Layer { get; set; }

    /// <summary>The processes exec'd into the running instance (killed with it).</summary>
    public List<ContainerExecClock> ExecClocks { get; } = [];

    private Func<IReadOnlyList<KeyValuePair<string, string>>>? _environmentSource;
    private IReadOnlyList<KeyValuePair<string, string>>? _environment;

    /// <summary>The running instance's environment, as the kubelet and runtime gave it at start (spelt out on first use).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Environment => _environment ??= _environmentSource?.Invoke() ?? [];

    /// <summary>A new instance's environment, from what was known at its start.</summary>
    public void SetEnvironment(Func<IReadOnlyList<KeyValuePair<string, string>>> source)
    {
        _environmentSource = source;
        _environment = null;
    }

    public string FieldPath => IsInit ? $"spec.initContainers{{{Name}}}" : $"spec.containers{{{Name}}}";

    public V1ContainerStatus ToStatus() => new()
    {
        Name = Name,
        Image = RunningImage ?? Spec.Image,
        ImageID = RunningImage is null ? "" : ImageCatalog.Qualified(Spec.Image ?? "")[..ImageCatalog.Qualified(Spec.Image ?? "").LastIndexOf(':')] + "@" + ImageCatalog.Digest(Spec.Image ?? ""),
        ContainerID = ContainerId,
        Ready = Ready,
        Started = Started,
        RestartCount = RestartCount,
        State = Running
            ? new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = StartedAt!.Value.ToKubeTime() } }
            : Terminated is not null && WaitingReason is null
                ? new V1ContainerState { Terminated = Terminated }
                : new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = WaitingReason ?? "ContainerCreating", Message = WaitingMessage } },
        LastState = (WaitingReason is not null && Terminated is not null ? Terminated : LastTermination) is { } last
            ? new V1ContainerState { Terminated = last }
            : new V1ContainerState(),
    };
}
