namespace Sim.Controllers.Scheduler.Framework;

/// <summary>framework.Code: what a plugin's verdict means.</summary>
internal enum StatusCode : byte
{
    Success,

    /// <summary>Something went wrong (a missing object, a failed write): the attempt is retried after backoff, not judged.</summary>
    Error,

    /// <summary>Rejected, but removing pods (preemption) might help.</summary>
    Unschedulable,

    /// <summary>Rejected for a reason preemption cannot change (taints, affinity, node state, volumes).</summary>
    UnschedulableAndUnresolvable,

    /// <summary>PreFilter or PreScore: the plugin has nothing to do for this pod, so its Filter or Score is not called.</summary>
    Skip,
}

/// <summary>
/// framework.Status: a plugin's verdict with its reasons, and (once the framework stamped it) the plugin that gave it.
/// A value type whose reasons are one string or a shared array, so that a filter verdict per node allocates nothing.
/// </summary>
internal readonly struct Status
{
    // null, a string, or a string[] (several reasons, e.g. NodeResourcesFit's "Insufficient cpu" and "... memory").
    private readonly object? _reasons;

    // The plugin's index in its profile plus one, so that default(Status) names no plugin.
    private readonly short _plugin;

    private Status(StatusCode code, object? reasons, short plugin)
    {
        Code = code;
        _reasons = reasons;
        _plugin = plugin;
    }

    public StatusCode Code { get; }

    /// <summary>The index in the profile of the plugin that returned it, or -1 (set by the framework, as SetPlugin).</summary>
    public int Plugin => _plugin - 1;

    public static Status Success => default;

    public static Status Skip => new(StatusCode.Skip, null, 0);

    public bool IsSuccess => Code == StatusCode.Success;

    public bool IsSkip => Code == StatusCode.Skip;

    /// <summary>Unschedulable or UnschedulableAndUnresolvable: a verdict about the pod, not an error.</summary>
    public bool IsRejected => Code is StatusCode.Unschedulable or StatusCode.UnschedulableAndUnresolvable;

    public static Status Unschedulable(string reason) => new(StatusCode.Unschedulable, reason, 0);

    /// <summary>Several reasons at once; <paramref name="reasons"/> is shared, never changed.</summary>
    public static Status Unschedulable(string[] reasons) => new(StatusCode.Unschedulable, reasons, 0);

    public static Status Unresolvable(string reason) => new(StatusCode.UnschedulableAndUnresolvable, reason, 0);

    /// <summary>Several reasons at once; <paramref name="reasons"/> is shared, never changed.</summary>
    public static Status Unresolvable(string[] reasons) => new(StatusCode.UnschedulableAndUnresolvable, reasons, 0);

    /// <summary>framework.AsStatus(err): an error whose message is the status's one reason.</summary>
    public static Status AsError(string message) => new(StatusCode.Error, message, 0);

    /// <summary>The same verdict attributed to the plugin at <paramref name="index"/> in the profile.</summary>
    public Status WithPlugin(int index) => new(Code, _reasons, (short)(index + 1));

    /// <summary>The same plugin and reasons under another code.</summary>
    public Status WithCode(StatusCode code) => new(code, _reasons, _plugin);

    public int ReasonCount => _reasons switch
    {
        null => 0,
        string => 1,
        string[] many => many.Length,
        _ => 0,
    };

    public string Reason(int i) => _reasons is string one ? one : ((string[])_reasons!)[i];

    /// <summary>Status.Message(): the reasons joined by ", ".</summary>
    public string Message => _reasons switch
    {
        null => "",
        string one => one,
        string[] many => string.Join(", ", many),
        _ => "",
    };

    /// <summary>Adds each reason to a histogram <paramref name="times"/> times.</summary>
    public void CountReasons(Dictionary<string, int> histogram, int times = 1)
    {
        for (var i = 0; i < ReasonCount; i++)
        {
            var reason = Reason(i);
            histogram[reason] = histogram.GetValueOrDefault(reason) + times;
        }
    }

    public override string ToString() => Code + (Message.Length > 0 ? ": " + Message : "");
}
