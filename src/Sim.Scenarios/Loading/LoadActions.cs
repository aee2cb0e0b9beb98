using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Manifests;
using Sim.Core.Nodes;
using Sim.Core.Serialization;
using Sim.Scenarios.Model;

namespace Sim.Scenarios.Loading;

/// <summary>Reads the <c>load</c> action: <c>{kind, name, namespace, cpu, memory}</c>, the quantities as Kubernetes writes them.</summary>
internal static partial class LoadActions
{
    public static LoadAction? Read(YNode body, YamlFields f)
    {
        if (f.Mapping(body, "\"load\"") is not { } map) return null;
        f.OnlyKeys(map, "\"load\"", "kind", "name", "namespace", "cpu", "memory");
        var kind = StepActions.Kind(map, f, check: k => k.HasScale ? null : $"{k.Kind} is not a workload with replicas (expected Deployment, ReplicaSet or StatefulSet)");
        var name = f.String(map, "name", required: true, what: "\"load\"");
        var cpu = Quantity(map, "cpu", f);
        var memory = Quantity(map, "memory", f);
        if (cpu is null && memory is null && f.Get(map, "cpu") is null && f.Get(map, "memory") is null)
            f.Error(map.Start, "\"load\" needs \"cpu\" or \"memory\" (or both): the total demand its Ready pods share");
        if (kind is null || name is null) return null;
        var cpuMilli = cpu is { } c ? Resources.MilliValue(c.Quantity) : (long?)null;
        var memoryBytes = memory is { } m ? Resources.Value(m.Quantity) : (long?)null;
        return new LoadAction(new ObjectTarget(kind, StepActions.Namespace(map, f, kind), name, null, null), cpuMilli, memoryBytes, cpu?.Text, memory?.Text);
    }

    // A quantity field (900m, 2, 1.5, 512Mi): checked as the API server checks one, and not negative.
    private static (ResourceQuantity Quantity, string Text)? Quantity(YMapping map, string key, YamlFields f)
    {
        if (f.Get(map, key) is not { } node) return null;
        if (node is not YScalar { IsNull: false } scalar || scalar.Value.Length == 0)
        {
            f.Error(node.Start, $"{GoValue.Quote(key)} must be a quantity, e.g. {(key == "cpu" ? "900m or 2" : "512Mi")}");
            return null;
        }
        const string shape = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
        // The API server's check first, as for a quantity in a manifest: the client library throws for some text it passes.
        if (!QuantityPattern().IsMatch(scalar.Value))
        {
            f.Error(node.Start, $"{GoValue.Quote(key)}: {shape}");
            return null;
        }
        ResourceQuantity quantity;
        try
        {
            quantity = new ResourceQuantity(QuantityRange.Clamp(scalar.Value));
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            f.Error(node.Start, $"{GoValue.Quote(key)}: unable to parse quantity's suffix");
            return null;
        }
        if (quantity.ToDouble() < 0)
        {
            f.Error(node.Start, $"{GoValue.Quote(key)} must not be negative");
            return null;
        }
        return (quantity, scalar.Value);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$")]
    private static partial System.Text.RegularExpressions.Regex QuantityPattern();
}
