using k8s.Models;
using Sim.Core.Api.Selectors;

namespace Sim.Core.Api.Registry;

/// <summary>The small validation rules Kubernetes repeats across kinds, with its messages.</summary>
internal static class Validate
{
    public const string NonNegativeMessage = "must be greater than or equal to 0";

    public static IEnumerable<FieldError> NonNegative(string field, long? value)
    {
        if (value is < 0) yield return FieldError.Invalid(field, value.Value, NonNegativeMessage);
    }

    public static IEnumerable<FieldError> Positive(string field, long? value)
    {
        if (value is <= 0) yield return FieldError.Invalid(field, value.Value, "must be greater than 0");
    }

    public static IEnumerable<FieldError> AtLeast(string field, long? value, long min)
    {
        if (value is { } v && v < min) yield return FieldError.Invalid(field, v, $"must be greater than or equal to {min}");
    }

    /// <summary>A label selector's own syntax (<c>ValidateLabelSelector</c>).</summary>
    public static IEnumerable<FieldError> LabelSelectorSyntax(V1LabelSelector? selector, string path)
    {
        if (selector is null) yield break;
        foreach (var e in ObjectMetaValidation.ValidateLabels(selector.MatchLabels, path + ".matchLabels")) yield return e;
        if (selector.MatchExpressions is null) yield break;
        for (var i = 0; i < selector.MatchExpressions.Count; i++)
        {
            var e = selector.MatchExpressions[i];
            var p = $"{path}.matchExpressions[{i}]";
            switch (e.OperatorProperty)
            {
                case "In" or "NotIn":
                    if (e.Values is null || e.Values.Count == 0) yield return FieldError.Required(p + ".values", "must be specified when `operator` is 'In' or 'NotIn'");
                    break;
                case "Exists" or "DoesNotExist":
                    if (e.Values is { Count: > 0 }) yield return FieldError.Forbidden(p + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
                    break;
                default:
                    yield return FieldError.Invalid(p + ".operator", e.OperatorProperty ?? "", "not a valid selector operator");
                    break;
            }
            foreach (var keyError in Labels.QualifiedNameErrors(e.Key ?? "")) yield return FieldError.Invalid(p + ".key", e.Key ?? "", keyError);
            for (var j = 0; j < (e.Values?.Count ?? 0); j++)
                if (Labels.ValidateValue(e.Values![j]) is { } valueError) yield return FieldError.Invalid($"{p}.values[{j}]", e.Values[j], valueError);
        }
    }

    /// <summary>
    /// Whether <c>metav1.LabelSelectorAsSelector</c> accepts the selector: it builds each requirement with the same
    /// checks as <see cref="LabelSelectorSyntax"/>, so a selector it refuses is one with a syntax error.
    /// </summary>
    public static bool SelectorParses(V1LabelSelector? selector) => !LabelSelectorSyntax(selector, "").Any();

    /// <summary>Go's <c>%#v</c>-like rendering of a label selector, as immutability errors print it.</summary>
    public static GoLiteral SelectorValue(V1LabelSelector? s)
    {
        if (s is null) return new GoLiteral("(*v1.LabelSelector)(nil)");
        var labels = s.MatchLabels is null ? "map[string]string(nil)" : (string)GoValue.Format(s.MatchLabels);
        var exprs = s.MatchExpressions is null || s.MatchExpressions.Count == 0
            ? "[]v1.LabelSelectorRequirement(nil)"
            : "[]v1.LabelSelectorRequirement{" + string.Join(", ", s.MatchExpressions.Select(e =>
                $"v1.LabelSelectorRequirement{{Key:{GoValue.Quote(e.Key ?? "")}, Operator:{GoValue.Quote(e.OperatorProperty ?? "")}, Values:{(e.Values is null ? "[]string(nil)" : "[]string{" + string.Join(", ", e.Values.Select(v => GoValue.Quote(v))) + "}")}}}")) + "}";
        return new GoLiteral($"v1.LabelSelector{{MatchLabels:{labels}, MatchExpressions:{exprs}}}");
    }

    /// <summary>
    /// Workload selector rules: required (a DaemonSet's is not, <paramref name="selectorRequired"/>), non-empty,
    /// valid, and matching the template's labels. A missing selector selects nothing, so it also fails to match the
    /// template, as upstream reports both; an empty one selects everything and is only reported as empty. A selector
    /// that does not parse matches nothing: the kinds whose validation then says so pass their words as
    /// <paramref name="unparsable"/> (Deployment and ReplicaSet "invalid label selector", StatefulSet nothing after the value).
    /// </summary>
    public static IEnumerable<FieldError> SelectorMatchesTemplate(V1LabelSelector? selector, V1PodTemplateSpec? template, string kindForEmpty, bool selectorRequired = true, string? unparsable = null)
    {
        LabelSelector parsed;
        if (selector is null)
        {
            if (selectorRequired) yield return FieldError.Required("spec.selector");
            parsed = LabelSelector.Nothing;
        }
        else
        {
            var syntaxErrors = 0;
            foreach (var e in LabelSelectorSyntax(selector, "spec.selector"))
            {
                syntaxErrors++;
                yield return e;
            }
            var empty = (selector.MatchLabels is null || selector.MatchLabels.Count == 0) && (selector.MatchExpressions is null || selector.MatchExpressions.Count == 0);
            if (empty)
            {
                yield return FieldError.Invalid("spec.selector", SelectorValue(selector), $"empty selector is invalid for {kindForEmpty}");
                yield break;
            }
            if (syntaxErrors > 0 || !LabelSelector.TryFromV1(selector, out parsed, out _))
            {
                if (unparsable is not null) yield return FieldError.Invalid("spec.selector", SelectorValue(selector), unparsable);
                yield break;
            }
        }
        var labels = template?.Metadata?.Labels;
        if (!parsed.Matches(labels))
            yield return FieldError.Invalid("spec.template.metadata.labels", labels is null ? new GoLiteral("map[string]string(nil)") : labels, "`selector` does not match template `labels`");
    }

    /// <summary>ValidatePositiveIntOrPercent for maxSurge/maxUnavailable: a non-negative integer, or digits and '%'.</summary>
    public static IEnumerable<FieldError> IntOrPercent(IntOrString? value, string field)
    {
        if (value is null) yield break;
        var v = value.Value ?? "";
        if (IntValue(v) is { } n)
        {
            if (n < 0) yield return FieldError.Invalid(field, (long)n, NonNegativeMessage);
            yield break;
        }
        // IsValidPercent is the regex alone: "-1%" breaks it, and so would no number of digits.
        if (PercentValue(v) is null)
            yield return FieldError.Invalid(field, IntOrStringValue(value), "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')");
    }

    /// <summary>Go's <c>%#v</c> of an <c>intstr.IntOrString</c>, as validation messages print it.</summary>
    public static GoLiteral IntOrStringValue(IntOrString value)
    {
        var v = value.Value ?? "";
        return IntValue(v) is { } n
            ? new GoLiteral($"intstr.IntOrString{{Type:0, IntVal:{n}, StrVal:\"\"}}")
            : new GoLiteral($"intstr.IntOrString{{Type:1, IntVal:0, StrVal:{GoValue.Quote(v)}}}");
    }

    /// <summary>
    /// The integer or percentage value of an IntOrString, or null when it is not one. A percentage's digits saturate at
    /// long.MaxValue, as Go's Atoi does on a range error, so "99999999999999999999%" still reads as more than 100%.
    /// </summary>
    public static (long Value, bool Percent)? ParseIntOrPercent(IntOrString? value)
    {
        if (value?.Value is not { } v) return null;
        if (IntValue(v) is { } n) return (n, false);
        if (PercentValue(v) is { } p) return (p, true);
        return null;
    }

    // An int-typed IntOrString holds what JSON wrote for an int32: an optional minus and digits, nothing else.
    private static int? IntValue(string v) =>
        v.Length > 0 && (char.IsAsciiDigit(v[0]) || v[0] == '-')
        && int.TryParse(v, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;

    private static long? PercentValue(string v)
    {
        if (v.Length < 2 || v[^1] != '%') return null;
        long pct = 0;
        foreach (var c in v.AsSpan(0, v.Length - 1))
        {
            if (!char.IsAsciiDigit(c)) return null;
            pct = pct > (long.MaxValue - (c - '0')) / 10 ? long.MaxValue : pct * 10 + (c - '0');
        }
        return pct;
    }

    public static IEnumerable<FieldError> Immutable(string field, object? newValue, object? oldValue, object? shownValue = null)
    {
        if (!Serialization.ModelCopy.SemanticEquals(newValue, oldValue))
            yield return FieldError.Invalid(field, shownValue ?? newValue, "field is immutable");
    }
}
