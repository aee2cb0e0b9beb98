using System.Globalization;
using k8s.Models;

namespace Sim.Core.Api.Selectors;

/// <summary>
/// One parsed nodeSelectorTerm (component-helpers nodeaffinity): its matchExpressions over node labels (In, NotIn,
/// Exists, DoesNotExist, Gt, Lt) and its matchFields over metadata.name (In, NotIn, one value each), ANDed.
/// A term that does not parse never matches (LazyErrorNodeSelector ignores it); an empty term matches nothing.
/// </summary>
public sealed class NodeSelectorTerm
{
    private readonly Requirement[] _labels;
    private readonly Requirement[] _fields;

    private NodeSelectorTerm(Requirement[] labels, Requirement[] fields)
    {
        _labels = labels;
        _fields = fields;
    }

    /// <summary>The parsed term, or null when it is empty or invalid.</summary>
    public static NodeSelectorTerm? Parse(V1NodeSelectorTerm? term)
    {
        if (term is null) return null;
        var expressions = term.MatchExpressions ?? [];
        var fields = term.MatchFields ?? [];
        if (expressions.Count == 0 && fields.Count == 0) return null;
        var labels = new Requirement[expressions.Count];
        for (var i = 0; i < expressions.Count; i++)
        {
            if (Requirement.ParseLabel(expressions[i]) is not { } r) return null;
            labels[i] = r;
        }
        var fieldReqs = new Requirement[fields.Count];
        for (var i = 0; i < fields.Count; i++)
        {
            if (Requirement.ParseField(fields[i]) is not { } r) return null;
            fieldReqs[i] = r;
        }
        return new NodeSelectorTerm(labels, fieldReqs);
    }

    /// <summary>Whether a node with these labels and this name satisfies every requirement of the term.</summary>
    public bool Matches(IDictionary<string, string> nodeLabels, string nodeName)
    {
        foreach (var r in _labels)
            if (!r.MatchesLabels(nodeLabels)) return false;
        foreach (var r in _fields)
            if (!r.MatchesField(nodeName)) return false;
        return true;
    }

    private sealed record Requirement(string Key, string Operator, string[] Values, long Bound)
    {
        public static Requirement? ParseLabel(V1NodeSelectorRequirement r)
        {
            var values = (r.Values ?? []).ToArray();
            switch (r.OperatorProperty)
            {
                case "In":
                case "NotIn":
                    return values.Length == 0 ? null : new Requirement(r.Key ?? "", r.OperatorProperty, values, 0);
                case "Exists":
                case "DoesNotExist":
                    return values.Length != 0 ? null : new Requirement(r.Key ?? "", r.OperatorProperty, values, 0);
                case "Gt":
                case "Lt":
                    if (values.Length != 1 || !long.TryParse(values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var bound)) return null;
                    return new Requirement(r.Key ?? "", r.OperatorProperty, values, bound);
                default:
                    return null;
            }
        }

        public static Requirement? ParseField(V1NodeSelectorRequirement r)
        {
            var values = (r.Values ?? []).ToArray();
            if (r.OperatorProperty is not ("In" or "NotIn") || values.Length != 1) return null;
            return new Requirement(r.Key ?? "", r.OperatorProperty, values, 0);
        }

        public bool MatchesLabels(IDictionary<string, string> labels)
        {
            var has = labels.TryGetValue(Key, out var value);
            switch (Operator)
            {
                case "In": return has && Contains(value!);
                case "NotIn": return !has || !Contains(value!);
                case "Exists": return has;
                case "DoesNotExist": return !has;
                default:
                    if (!has || !long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var actual)) return false;
                    return Operator == "Gt" ? actual > Bound : actual < Bound;
            }
        }

        public bool MatchesField(string nodeName)
        {
            // Only metadata.name is a node field; any other key reads as empty.
            var actual = Key == "metadata.name" ? nodeName : "";
            return (actual == Values[0]) == (Operator == "In");
        }

        private bool Contains(string value)
        {
            foreach (var v in Values)
                if (v == value) return true;
            return false;
        }
    }
}
