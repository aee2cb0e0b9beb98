using k8s.Models;

namespace Sim.Core.Api.Registry.Scheduling;

/// <summary>
/// scheduling.k8s.io/v1 PriorityClass: PreemptLowerPriority by default; user classes at most 1,000,000,000 and not
/// named <c>system-</c>; value and preemptionPolicy immutable; one globalDefault at a time (Priority admission).
/// </summary>
internal sealed class PriorityClassStrategy : KindStrategy<V1PriorityClass>
{
    /// <summary>The highest value a user-defined class may have (HighestUserDefinablePriority).</summary>
    public const int HighestUserDefinablePriority = 1_000_000_000;

    /// <summary>system-node-critical's value.</summary>
    public const int SystemNodeCritical = 2_000_001_000;

    /// <summary>system-cluster-critical's value.</summary>
    public const int SystemClusterCritical = 2_000_000_000;

    private static readonly Dictionary<string, int> SystemClasses = new(StringComparer.Ordinal)
    {
        ["system-node-critical"] = SystemNodeCritical,
        ["system-cluster-critical"] = SystemClusterCritical,
    };

    /// <summary>The two classes kube-apiserver creates at start, with their descriptions.</summary>
    public static IEnumerable<V1PriorityClass> Builtin() =>
    [
        new V1PriorityClass
        {
            Metadata = new V1ObjectMeta { Name = "system-node-critical" },
            Value = SystemNodeCritical,
            Description = "Used for system critical pods that must not be moved from their current node.",
        },
        new V1PriorityClass
        {
            Metadata = new V1ObjectMeta { Name = "system-cluster-critical" },
            Value = SystemClusterCritical,
            Description = "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.",
        },
    ];

    protected override void Default(V1PriorityClass pc) => pc.PreemptionPolicy ??= "PreemptLowerPriority";

    protected override bool ChangesGeneration(V1PriorityClass obj, V1PriorityClass old) => false;

    public override ApiError? Admit(KubeObject obj, StrategyContext ctx)
    {
        var pc = (V1PriorityClass)obj;
        if (pc.GlobalDefault != true) return null;
        var existing = ctx.Server.Unordered(ResourceKinds.PriorityClass).Cast<V1PriorityClass>()
            .Where(c => c.GlobalDefault == true && c.Metadata.Name != pc.Metadata.Name)
            .MinBy(c => c.Metadata.Name, StringComparer.Ordinal);
        return existing is null ? null
            : ApiError.Forbidden(Kind, pc.Metadata.Name ?? "", $"PriorityClass {existing.Metadata.Name} is already marked as default. Only one default can exist");
    }

    protected override IEnumerable<FieldError> Validate(V1PriorityClass pc)
    {
        var name = pc.Metadata.Name ?? "";
        var isSystem = SystemClasses.TryGetValue(name, out var systemValue) && systemValue == pc.Value && pc.GlobalDefault != true;
        if (name.StartsWith("system-", StringComparison.Ordinal) && !isSystem)
            yield return FieldError.Forbidden("metadata.name", $"priority class names with 'system-' prefix are reserved for system use only. error: {name} is not a known system priority class");
        if (!isSystem && pc.Value > HighestUserDefinablePriority)
            yield return FieldError.Forbidden("value", $"maximum allowed value of a user defined priority is {HighestUserDefinablePriority}");
        if (pc.PreemptionPolicy is { } policy && policy is not ("PreemptLowerPriority" or "Never"))
            yield return FieldError.NotSupported("preemptionPolicy", policy, "Never", "PreemptLowerPriority");
    }

    protected override IEnumerable<FieldError> ValidateUpdate(V1PriorityClass pc, V1PriorityClass old)
    {
        foreach (var e in Validate(pc)) yield return e;
        if (pc.Value != old.Value) yield return FieldError.Forbidden("value", "may not be changed in an update.");
        if (pc.PreemptionPolicy != old.PreemptionPolicy) yield return FieldError.Invalid("preemptionPolicy", pc.PreemptionPolicy, "field is immutable");
    }
}
