using Sim.Core.Time;
using Sim.Scenarios.Timeline;

namespace Sim.Scenarios.Output;

/// <summary>The default text output of <c>kubesim run</c>: a header, the timeline, and a one-line verdict.</summary>
public static class TextReport
{
    /// <summary>Writes the report; <paramref name="colour"/> when the output is a terminal.</summary>
    public static void Write(TextWriter w, RunResult result, bool colour)
    {
        var s = result.Scenario;
        w.WriteLine($"Scenario {s.Name} (seed {result.Seed}){(s.Description.Length > 0 ? ": " + s.Description.Trim() : "")}");
        var nodes = s.Cluster.Nodes;
        var shape = nodes.Count == 0 ? "no nodes" : nodes.Count == 1 ? $"1 node ({Describe(nodes[0])})" : $"{nodes.Count} nodes ({nodes[0].Name}..{nodes[^1].Name}{SameShape(nodes)})";
        w.WriteLine($"Cluster: {shape}, {s.Cluster.ControlPlane} control-plane member{(s.Cluster.ControlPlane == 1 ? "" : "s")}; simulating {GoDuration.Format(result.Simulated)} from {s.Start}.");
        w.WriteLine();
        TextTimeline.Write(w, result.Timeline, colour);
        w.WriteLine();
        var held = result.Expectations.Count(e => e.Passed);
        var failedActions = result.Failures.Where(f => !f.Allowed).ToList();
        var verdict = result.Passed ? Paint("PASSED", "1;32", colour) : Paint("FAILED", "1;31", colour);
        var actions = failedActions.Count == 0 ? "" : $", {failedActions.Count} action{(failedActions.Count == 1 ? "" : "s")} refused";
        var checkedText = result.Expectations.Count == 0 ? result.NothingCheckedReason : $"{held} of {result.Expectations.Count} expectations held";
        var facts = $"{checkedText}{actions} · {GoDuration.Format(result.Simulated)} simulated · {result.HistoryEntries} history entries" +
                    (result.HistoryHash is { } h ? $" · sha256 {h}" : "");
        w.WriteLine($"{verdict}: {facts}");
        foreach (var e in result.Expectations.Where(e => !e.Passed))
            w.WriteLine($"  expectation failed at {TimelineEntry.FormatOffset(e.At)} ({s.File}:{e.Position}): {e.Description}; actual {e.Actual}");
        foreach (var f in failedActions)
            w.WriteLine($"  action failed at {TimelineEntry.FormatOffset(f.At)} ({s.File}:{f.Position}): {f.Action}: {f.Message}");
        if (result.Aborted is { } a) w.WriteLine($"  run aborted: {a}");
    }

    private static string Describe(Model.NodeShape n) => $"{n.Cpu} CPU, {n.Memory}";

    private static string SameShape(IReadOnlyList<Model.NodeShape> nodes) =>
        nodes.All(n => n.Cpu == nodes[0].Cpu && n.Memory == nodes[0].Memory) ? ", " + Describe(nodes[0]) + " each" : ", mixed shapes";

    private static string Paint(string text, string code, bool colour) => colour ? $"\u001b[{code}m{text}\u001b[0m" : text;
}
