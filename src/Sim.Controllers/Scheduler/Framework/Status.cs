namespace Sim.Controllers.Scheduler.Framework;

/// <summary>The filter plugins of the default profile, as flags so a pod can remember every plugin that rejected it.</summary>
[Flags]
internal enum PluginSet
{
    None = 0,
    NodeUnschedulable = 1 << 0,
    NodeName = 1 << 1,
    TaintToleration = 1 << 2,
    NodeAffinity = 1 << 3,
    NodePorts = 1 << 4,
    NodeResourcesFit = 1 << 5,
    PodTopologySpread = 1 << 6,
    InterPodAffinity = 1 << 7,
}

/// <summary>framework.Code, the subset filters return.</summary>
internal enum StatusCode : byte
{
    Success,

    /// <summary>Rejected, but removing pods (preemption) might help.</summary>
    Unschedulable,

    /// <summary>Rejected for a reason preemption cannot change (taints, affinity, node state).</summary>
    UnschedulableAndUnresolvable,
}

/// <summary>Which resources NodeResourcesFit found short, in the order it reports them.</summary>
[Flags]
internal enum InsufficientResources : byte
{
    None = 0,
    Pods = 1,
    Cpu = 2,
    Memory = 4,
}

/// <summary>
/// One filter plugin's verdict on one node. NodeResourcesFit may give several reasons at once (each counts in the
/// FailedScheduling histogram); every other plugin gives one.
/// </summary>
internal readonly record struct FilterStatus(StatusCode Code, PluginSet Plugin, string? Reason, InsufficientResources Insufficient)
{
    public const string TooManyPods = "Too many pods";
    public const string InsufficientCpu = "Insufficient cpu";
    public const string InsufficientMemory = "Insufficient memory";

    public static FilterStatus Success => default;

    public bool IsSuccess => Code == StatusCode.Success;

    public static FilterStatus Unschedulable(PluginSet plugin, string reason) => new(StatusCode.Unschedulable, plugin, reason, InsufficientResources.None);

    public static FilterStatus Unresolvable(PluginSet plugin, string reason) => new(StatusCode.UnschedulableAndUnresolvable, plugin, reason, InsufficientResources.None);

    /// <summary>NodeResourcesFit's rejection; in v1.32 it is always resolvable (preemption could free the resources).</summary>
    public static FilterStatus ResourcesShort(InsufficientResources what) => new(StatusCode.Unschedulable, PluginSet.NodeResourcesFit, null, what);

    /// <summary>Adds this status's reasons to a histogram.</summary>
    public void CountReasons(Dictionary<string, int> histogram, int times = 1)
    {
        if (Plugin != PluginSet.NodeResourcesFit)
        {
            if (Reason is not null) Add(histogram, Reason, times);
            return;
        }
        if ((Insufficient & InsufficientResources.Pods) != 0) Add(histogram, TooManyPods, times);
        if ((Insufficient & InsufficientResources.Cpu) != 0) Add(histogram, InsufficientCpu, times);
        if ((Insufficient & InsufficientResources.Memory) != 0) Add(histogram, InsufficientMemory, times);
    }

    private static void Add(Dictionary<string, int> histogram, string reason, int times) =>
        histogram[reason] = histogram.GetValueOrDefault(reason) + times;
}
