using k8s.Models;
using Sim.Controllers.Cluster;
using Sim.Core.Api;
using Sim.Core.Printing;
using Sim.Core.Time;
using Sim.Scenarios.Model;

namespace Sim.Scenarios;

/// <summary>Checks expectations against the API server's current state, recording what was actually there.</summary>
internal static class ExpectationEvaluator
{
    public static ExpectationResult Evaluate(SimulatedCluster cluster, Expectation expectation, SimDuration at, SimTime? execDeadline = null)
    {
        var (passed, actual) = expectation switch
        {
            ExecExpectation x => ExecExpectations.Evaluate(cluster, x, execDeadline ?? SimTime.MaxValue),
            PodsExpectation p => Pods(cluster.Api, p),
            ObjectExpectation o => Object(cluster.Api, o),
            EventsExpectation e => Events(cluster.Api, e),
            _ => (false, "unsupported expectation"),
        };
        return new ExpectationResult(at, expectation.Describe(), passed, actual, expectation.Position);
    }

    private static (bool, string) Pods(ApiServer api, PodsExpectation p)
    {
        var pods = api.List(ResourceKinds.Pod, p.Namespace ?? "default", new ListOptions { LabelSelector = p.Selector }).Value!.Items.Cast<V1Pod>();
        var count = pods.Count(pod =>
            (p.Phase is null || pod.Status?.Phase == p.Phase)
            && (p.Status is null || PodStatusText.Status(pod) == p.Status)
            && (p.Ready is null || Conditions.IsPodReady(pod) == p.Ready)
            && (p.Node is null || pod.Spec.NodeName == p.Node));
        return (p.Bound.Holds(count), count.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static (bool, string) Object(ApiServer api, ObjectExpectation o)
    {
        var obj = api.Find(o.Kind, o.Namespace, o.Name);
        if (o.Field is null)
        {
            var exists = obj is not null;
            return (exists == (o.Exists ?? true), exists ? "exists" : "not found");
        }
        if (obj is null) return (false, "not found");
        if (o.Exists == false) return (false, "exists");
        var value = FieldPath.Render(FieldPath.Parse(o.Field).Evaluate(obj));
        return (Same(value, o.EqualsText), value ?? "<none>");
    }

    // Text equal, or both numbers of equal value (3 and 3.0), or both absent.
    private static bool Same(string? actual, string? expected)
    {
        if (actual is null || expected is null) return actual is null && expected is null;
        if (actual == expected) return true;
        const System.Globalization.NumberStyles number = System.Globalization.NumberStyles.Float;
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        return decimal.TryParse(actual, number, culture, out var a) && decimal.TryParse(expected, number, culture, out var e) && a == e;
    }

    private static (bool, string) Events(ApiServer api, EventsExpectation e)
    {
        var events = api.List(ResourceKinds.Event, e.Namespace).Value!.Items.Cast<Corev1Event>();
        var total = events
            .Where(ev => ev.Reason == e.Reason
                && (e.Type is null || ev.Type == e.Type)
                && (e.InvolvedKind is null || string.Equals(ev.InvolvedObject?.Kind, e.InvolvedKind, StringComparison.OrdinalIgnoreCase))
                && (e.InvolvedName is null || ev.InvolvedObject?.Name == e.InvolvedName)
                && (e.MessageContains is null || (ev.Message ?? "").Contains(e.MessageContains, StringComparison.Ordinal)))
            .Sum(ev => ev.Count ?? 1);
        return (e.Bound.Holds(total), total.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
