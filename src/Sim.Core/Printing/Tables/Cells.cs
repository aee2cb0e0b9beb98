using System.Text;
using k8s.Models;
using Sim.Core.Api.Selectors;
using Sim.Core.Serialization;

namespace Sim.Core.Printing.Tables;

/// <summary>The formatting helpers the printers share, each after the Go function it names.</summary>
internal static class Cells
{
    /// <summary><c>labels.FormatLabels</c>: <c>k=v</c> sorted by key, comma-joined; <c>&lt;none&gt;</c> when empty.</summary>
    public static string FormatLabels(IDictionary<string, string>? labels)
    {
        if (labels is null || labels.Count == 0) return "<none>";
        var keys = labels.Keys.ToArray();
        Array.Sort(keys, StringComparer.Ordinal);
        var sb = new StringBuilder();
        foreach (var k in keys)
        {
            if (sb.Length > 0) sb.Append(',');
            sb.Append(k).Append('=').Append(labels[k]);
        }
        return sb.Length == 0 ? "<none>" : sb.ToString();
    }

    /// <summary>
    /// <c>metav1.LabelSelectorAsSelector(s).String()</c>: requirements sorted by key; an absent or empty selector prints
    /// empty; null when the selector is invalid.
    /// </summary>
    public static string? SelectorString(V1LabelSelector? selector)
    {
        if (selector is null) return "";
        if (!LabelSelector.TryFromV1(selector, out var parsed, out _)) return null;
        return string.Join(",", parsed.Requirements.Select(r => r.ToString()));
    }

    /// <summary><c>metav1.FormatLabelSelector</c>: as <see cref="SelectorString"/>, with <c>&lt;none&gt;</c> and <c>&lt;error&gt;</c>.</summary>
    public static string FormatLabelSelector(V1LabelSelector? selector) =>
        SelectorString(selector) switch
        {
            null => "<error>",
            "" => "<none>",
            var s => s,
        };

    /// <summary><c>layoutContainerCells</c>: the containers' names and images, each comma-joined.</summary>
    public static (string Names, string Images) ContainerCells(IList<V1Container>? containers)
    {
        if (containers is null || containers.Count == 0) return ("", "");
        return (string.Join(",", containers.Select(c => c.Name ?? "")), string.Join(",", containers.Select(c => c.Image ?? "")));
    }

    /// <summary><c>helper.GetAccessModesAsString</c>: RWO, ROX, RWX, RWOP in that order, each once.</summary>
    public static string AccessModes(IList<string>? modes)
    {
        if (modes is null || modes.Count == 0) return "";
        var parts = new List<string>(4);
        if (modes.Contains("ReadWriteOnce")) parts.Add("RWO");
        if (modes.Contains("ReadOnlyMany")) parts.Add("ROX");
        if (modes.Contains("ReadWriteMany")) parts.Add("RWX");
        if (modes.Contains("ReadWriteOncePod")) parts.Add("RWOP");
        return string.Join(",", parts);
    }

    /// <summary><c>Quantity.String()</c>: the canonical form (<c>1Gi</c>, <c>500m</c>); a missing quantity is Go's zero, <c>0</c>.</summary>
    public static string Quantity(ResourceQuantity? quantity) => quantity is null ? "0" : QuantityRange.Canonical(quantity);

    /// <summary>The quantity stored under <paramref name="name"/>, or Go's zero quantity.</summary>
    public static string Quantity(IDictionary<string, ResourceQuantity>? resources, string name) =>
        resources is not null && resources.TryGetValue(name, out var q) ? Quantity(q) : "0";

    /// <summary><c>printBoolPtr</c>: <c>True</c>, <c>False</c> or <c>&lt;unset&gt;</c>.</summary>
    public static string BoolPtr(bool? value) => value switch
    {
        true => "True",
        false => "False",
        null => "<unset>",
    };

    /// <summary>A non-negative count as the <c>int64</c> cell Go writes.</summary>
    public static long Int(int? value) => value ?? 0;

    /// <summary>Go's <c>strings.TrimSpace</c>.</summary>
    public static string TrimSpace(string? s) => (s ?? "").Trim();

    /// <summary>The object's controller owner reference (<c>metav1.GetControllerOf</c>), if any.</summary>
    public static V1OwnerReference? ControllerOf(V1ObjectMeta? meta) =>
        meta?.OwnerReferences?.FirstOrDefault(r => r.Controller == true);

    /// <summary><c>formatResourceName</c> with kind: <c>statefulset.apps/web</c>; just the name when the kind is empty.</summary>
    public static string ResourceName(string group, string kind, string name)
    {
        if (kind.Length == 0 && group.Length == 0) return name;
        var groupKind = group.Length == 0 ? kind : kind + "." + group;
        return groupKind.ToLowerInvariant() + "/" + name;
    }

    /// <summary>The group of an <c>apiVersion</c> (<c>schema.ParseGroupVersion</c>), or null when it does not parse.</summary>
    public static string? GroupOf(string? apiVersion)
    {
        if (string.IsNullOrEmpty(apiVersion)) return "";
        var parts = apiVersion.Split('/');
        return parts.Length switch
        {
            1 => "",
            2 => parts[0],
            _ => null,
        };
    }
}
