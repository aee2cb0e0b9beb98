namespace Sim.Controllers.Scheduler.Framework;

/// <summary>A node taint as the scheduler reads it (null key, value and effect read as empty).</summary>
internal readonly record struct Taint(string Key, string Value, string Effect)
{
    public const string NoSchedule = "NoSchedule";
    public const string PreferNoSchedule = "PreferNoSchedule";
    public const string NoExecute = "NoExecute";

    /// <summary>Whether the taint keeps pods that do not tolerate it away (only NoSchedule and NoExecute do).</summary>
    public bool DoesNotSchedule => Effect is NoSchedule or NoExecute;

    /// <summary>The TaintToleration filter's reason, e.g. <c>node(s) had untolerated taint {gpu: true}</c>.</summary>
    public string UntoleratedReason => "node(s) had untolerated taint {" + Key + ": " + Value + "}";
}
