using Sim.Core.Api;
using Sim.Core.Api.Selectors;
using Sim.Core.Manifests;
using Sim.Scenarios.Model;

namespace Sim.Scenarios.Loading;

/// <summary>Reads the expectation forms: <c>pods</c>, <c>object</c> + <c>field</c>, <c>events</c>.</summary>
internal static class Expectations
{
    private static readonly string[] Phases = ["Pending", "Running", "Succeeded", "Failed", "Unknown"];

    public static Expectation? Read(YNode node, YamlFields f)
    {
        if (f.Mapping(node, "an expectation") is not { } map) return null;
        var forms = new[] { "pods", "object", "events", "exec" }.Where(k => map.Find(k) is not null).ToList();
        if (forms.Count != 1)
        {
            f.Error(map.Start, forms.Count == 0
                ? "an expectation needs one of \"pods\", \"object\", \"events\" or \"exec\""
                : $"an expectation takes one of \"pods\", \"object\", \"events\" or \"exec\", not {string.Join(" and ", forms)}");
            return null;
        }
        return forms[0] switch
        {
            "pods" => ReadPods(map, f),
            "object" => ReadObject(map, f),
            "exec" => ExecSteps.ReadExpectation(map, f),
            _ => ReadEvents(map, f),
        };
    }

    private static CountBound? Bound(YMapping map, YamlFields f)
    {
        var exactly = f.Integer(map, "count", min: 0);
        var atLeast = f.Integer(map, "atLeast", min: 0);
        var atMost = f.Integer(map, "atMost", min: 0);
        if (exactly is null && atLeast is null && atMost is null)
        {
            if (map.Find("count") is null && map.Find("atLeast") is null && map.Find("atMost") is null)
                f.Error(map.Start, "the expectation needs \"count\", \"atLeast\" or \"atMost\"");
            return null;
        }
        if (exactly is not null && (atLeast is not null || atMost is not null))
            f.Error(map.Start, "\"count\" cannot be combined with \"atLeast\" or \"atMost\"");
        if (atLeast > atMost)
            f.Error(map.Find("atLeast")!.Value.Value.Start, $"\"atLeast\" {atLeast} is more than \"atMost\" {atMost}: no count could hold");
        return new CountBound((int?)exactly, (int?)atLeast, (int?)atMost);
    }

    private static PodsExpectation? ReadPods(YMapping map, YamlFields f)
    {
        f.OnlyKeys(map, "a pods expectation", "pods", "count", "atLeast", "atMost");
        var filters = f.Get(map, "pods") is YScalar { IsNull: true } ? null : f.Mapping(f.Get(map, "pods")!, "\"pods\"");
        string? selector = null, phase = null, node = null, ns = null, status = null;
        bool? ready = null;
        if (filters is not null)
        {
            f.OnlyKeys(filters, "\"pods\"", "selector", "phase", "status", "ready", "node", "namespace");
            status = f.String(filters, "status");
            selector = f.String(filters, "selector");
            if (selector is not null && !LabelSelector.TryParse(selector, out _, out var error))
                f.Error(filters.Find("selector")!.Value.Value.Start, $"bad selector {GoValue.Quote(selector)}: {error}");
            phase = f.String(filters, "phase");
            if (phase is not null && !Phases.Contains(phase))
                f.Error(filters.Find("phase")!.Value.Value.Start, $"unsupported phase {GoValue.Quote(phase)} (expected one of: {string.Join(", ", Phases)})");
            ready = f.Bool(filters, "ready");
            node = f.String(filters, "node");
            ns = f.String(filters, "namespace");
        }
        var bound = Bound(map, f);
        return bound is null ? null : new PodsExpectation(ns, selector, phase, ready, node, bound) { Position = map.Start, Status = status };
    }

    private static ObjectExpectation? ReadObject(YMapping map, YamlFields f)
    {
        f.OnlyKeys(map, "an object expectation", "object", "field", "equals", "exists");
        if (f.Mapping(f.Get(map, "object")!, "\"object\"") is not { } target) return null;
        f.OnlyKeys(target, "\"object\"", "kind", "name", "namespace");
        var kindName = f.String(target, "kind", required: true, what: "\"object\"");
        var name = f.String(target, "name", required: true, what: "\"object\"");
        var kind = kindName is null ? null : ResourceKinds.FindByName(kindName);
        if (kindName is not null && kind is null)
            f.Error(target.Find("kind")!.Value.Value.Start, $"unknown kind {GoValue.Quote(kindName)} (expected one of: {string.Join(", ", ResourceKinds.All.Select(k => k.Kind))})");
        var field = f.String(map, "field");
        var equalsNode = f.Get(map, "equals");
        var exists = f.Bool(map, "exists");
        if (field is not null && equalsNode is null) f.Error(map.Start, "\"field\" needs \"equals\"");
        if (field is null && equalsNode is not null) f.Error(map.Start, "\"equals\" needs \"field\"");
        if (field is null && exists is null) f.Error(map.Start, "an object expectation needs \"field\" and \"equals\", or \"exists\"");
        if (field is not null && !FieldPath.TryParse(field, out _, out var pathError))
            f.Error(map.Find("field")!.Value.Value.Start, $"bad field path {GoValue.Quote(field)}: {pathError}");
        string? equals = null;
        // A plain null (or ~) asks for the field to be absent.
        if (equalsNode is YScalar { IsPlain: true, Value: "null" or "~" or "Null" or "NULL" }) equals = null;
        else if (equalsNode is YScalar s) equals = s.Value;
        else if (equalsNode is not null) f.Error(equalsNode.Start, "\"equals\" must be a scalar (a string, number or boolean)");
        if (kind is null || name is null) return null;
        var ns = kind.Namespaced ? f.String(target, "namespace") ?? "default" : "";
        return new ObjectExpectation(kind, ns, name, field, equals, exists) { Position = map.Start };
    }

    private static EventsExpectation? ReadEvents(YMapping map, YamlFields f)
    {
        f.OnlyKeys(map, "an events expectation", "events", "count", "atLeast", "atMost");
        if (f.Mapping(f.Get(map, "events")!, "\"events\"") is not { } filters) return null;
        f.OnlyKeys(filters, "\"events\"", "reason", "type", "kind", "name", "namespace", "message");
        var reason = f.String(filters, "reason", required: true, what: "\"events\"");
        var type = f.String(filters, "type");
        if (type is not null and not ("Normal" or "Warning"))
            f.Error(filters.Find("type")!.Value.Value.Start, $"unsupported event type {GoValue.Quote(type)} (expected Normal or Warning)");
        var bound = Bound(map, f);
        if (reason is null || bound is null) return null;
        return new EventsExpectation(f.String(filters, "namespace"), reason, type, f.String(filters, "kind"), f.String(filters, "name"), f.String(filters, "message"), bound)
        {
            Position = map.Start,
        };
    }
}
