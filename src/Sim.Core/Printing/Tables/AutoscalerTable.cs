using System.Globalization;
using k8s.Models;
using Sim.Core.Time;

namespace Sim.Core.Printing.Tables;

/// <summary>The HorizontalPodAutoscaler table: <c>printHorizontalPodAutoscaler</c> and its <c>formatHPAMetrics</c> (v1.32).</summary>
internal static class AutoscalerTable
{
    public static object[] Row(V2HorizontalPodAutoscaler hpa, SimTime now)
    {
        var target = hpa.Spec?.ScaleTargetRef;
        var minPods = hpa.Spec?.MinReplicas is { } min ? min.ToString(CultureInfo.InvariantCulture) : "<unset>";
        return
        [
            hpa.Metadata?.Name ?? "",
            $"{target?.Kind}/{target?.Name}",
            Targets(hpa.Spec?.Metrics, hpa.Status?.CurrentMetrics),
            minPods,
            (long)(hpa.Spec?.MaxReplicas ?? 0),
            Cells.Int(hpa.Status?.CurrentReplicas),
            HumanDuration.Since(hpa.Metadata?.CreationTimestamp, now),
        ];
    }

    /// <summary>
    /// TARGETS: one <c>current/target</c> per metric spec (<c>cpu: 45%/50%</c>, <c>&lt;unknown&gt;/50%</c> before the
    /// first measurement), the status matched by position, at most two then <c>+ N more...</c>.
    /// </summary>
    public static string Targets(IList<V2MetricSpec>? specs, IList<V2MetricStatus>? statuses)
    {
        if (specs is null || specs.Count == 0) return "<none>";
        var list = new List<string>(specs.Count);
        for (var i = 0; i < specs.Count; i++)
        {
            var spec = specs[i];
            var status = statuses is not null && statuses.Count > i ? statuses[i] : null;
            list.Add(spec.Type switch
            {
                "External" => Value(spec.External?.Target, status?.External?.Current, status?.External is not null),
                "Pods" => (status?.Pods is not null ? Quantity(status.Pods.Current?.AverageValue) : "<unknown>") + "/" + Quantity(spec.Pods?.Target?.AverageValue),
                "Object" => Value(spec.ObjectProperty?.Target, status?.ObjectProperty?.Current, status?.ObjectProperty is not null),
                "Resource" => Resource(spec.Resource?.Name, spec.Resource?.Target, status?.Resource?.Current, status?.Resource is not null),
                "ContainerResource" => Resource(spec.ContainerResource?.Name, spec.ContainerResource?.Target, status?.ContainerResource?.Current, status?.ContainerResource is not null),
                _ => "<unknown type>",
            });
        }
        const int max = 2;
        if (list.Count <= max) return string.Join(", ", list);
        return string.Join(", ", list.Take(max)) + $" + {list.Count - max} more...";
    }

    // External and Object metrics: an average-value target reads "(avg)"; a current seen without one is Go's zero.
    private static string Value(V2MetricTarget? target, V2MetricValueStatus? current, bool hasStatus)
    {
        if (target?.AverageValue is { } average)
        {
            var now = hasStatus && current?.AverageValue is { } c ? Quantity(c) : "<unknown>";
            return $"{now}/{Quantity(average)} (avg)";
        }
        var value = hasStatus ? Quantity(current?.Value) : "<unknown>";
        return $"{value}/{Quantity(target?.Value)}";
    }

    private static string Resource(string? name, V2MetricTarget? target, V2MetricValueStatus? current, bool hasStatus)
    {
        if (target?.AverageValue is { } average)
        {
            var now = hasStatus ? Quantity(current?.AverageValue) : "<unknown>";
            return $"{name}: {now}/{Quantity(average)}";
        }
        var utilization = hasStatus && current?.AverageUtilization is { } u ? u.ToString(CultureInfo.InvariantCulture) + "%" : "<unknown>";
        var wanted = target?.AverageUtilization is { } t ? t.ToString(CultureInfo.InvariantCulture) + "%" : "<auto>";
        return $"{name}: {utilization}/{wanted}";
    }

    // Quantity.String() on a nil *Quantity prints "<nil>"; on a zero value, "0".
    private static string Quantity(ResourceQuantity? q) => q is null ? "<nil>" : Cells.Quantity(q);
}
