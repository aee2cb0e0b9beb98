using k8s.Models;
using Sim.Core.Api.Selectors;

namespace Sim.Core.Api.Registry.Core;

/// <summary>A node's taints checked as <c>validateNodeTaints</c> checks them: key, value, effect, and unique by key and effect.</summary>
public static class TaintValidation
{
    // In the order the NotSupported message lists them.
    private static readonly string[] Effects = ["NoExecute", "NoSchedule", "PreferNoSchedule"];

    /// <summary>Every problem with <paramref name="taints"/>, fields named under <paramref name="path"/> (e.g. <c>spec.taints</c>).</summary>
    public static IEnumerable<FieldError> Validate(IList<V1Taint>? taints, string path)
    {
        var seen = new HashSet<(string Key, string Effect)>();
        for (var i = 0; i < (taints?.Count ?? 0); i++)
        {
            var t = taints![i];
            var at = $"{path}[{i}]";
            var key = t.Key ?? "";
            if (Labels.ValidateQualifiedName(key) is { } keyError) yield return FieldError.Invalid(at + ".key", key, keyError);
            if (!string.IsNullOrEmpty(t.Value) && Labels.ValidateValue(t.Value) is { } valueError) yield return FieldError.Invalid(at + ".value", t.Value, valueError);
            if (string.IsNullOrEmpty(t.Effect)) yield return FieldError.Required(at + ".effect");
            else if (!Effects.Contains(t.Effect)) yield return FieldError.NotSupported(at + ".effect", t.Effect, Effects);
            if (!seen.Add((key, t.Effect ?? "")))
            {
                var value = new GoLiteral($"core.Taint{{Key:{GoValue.Quote(key)}, Value:{GoValue.Quote(t.Value ?? "")}, Effect:{GoValue.Quote(t.Effect ?? "")}, TimeAdded:<nil>}}");
                yield return FieldError.Duplicate(at, value) with { Detail = "taints must be unique by key and effect pair" };
            }
        }
    }
}
