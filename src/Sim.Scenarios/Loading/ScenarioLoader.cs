using k8s.Models;
using Sim.Core.Serialization;
using Sim.Core.Api;
using Sim.Core.Kernel;
using Sim.Core.Manifests;
using Sim.Core.Time;
using Sim.Scenarios.Model;

namespace Sim.Scenarios.Loading;

/// <summary>
/// Reads scenario files (contracts.md section 2) strictly: every problem is reported as <c>FILE:LINE:COLUMN: message</c>
/// naming what was expected, and manifests are loaded and validated before anything is simulated.
/// </summary>
public static class ScenarioLoader
{
    private static readonly string[] TopLevelFields = ["name", "description", "seed", "start", "duration", "cluster", "steps"];

    /// <summary>The actions this version runs.</summary>
    public static readonly string[] Actions =
        ["apply", "delete", "scale", "setImage", "expect", "rollback", "killContainer", "crashNode", "restartNode", "partition", "heal", "addNode", "deleteNode", "load", "exec"];

    /// <summary>Actions of the scenario format that later versions of KubeSim add.</summary>
    private static readonly string[] PlannedActions =
        ["crashControlPlane", "restartControlPlane"];

    /// <summary>Loads a scenario file; throws <see cref="ScenarioLoadException"/> listing every problem.</summary>
    public static Scenario LoadFile(string path)
    {
        var (text, error) = InputFile.ReadText(path);
        if (error is not null) throw new ScenarioLoadException([error]);
        return Parse(text!, path, Path.GetDirectoryName(path) ?? ".");
    }

    /// <summary>Parses scenario text; manifest paths are resolved against <paramref name="baseDirectory"/>.</summary>
    public static Scenario Parse(string text, string fileName = "scenario.yaml", string? baseDirectory = null)
    {
        var fields = new YamlFields(fileName);
        List<(YNode? Root, SourcePosition Start)> docs;
        try
        {
            docs = YamlTree.ReadDocuments(text);
        }
        catch (YamlReadException e)
        {
            throw new ScenarioLoadException([new ManifestError(fileName, e.Position, e.Message)]);
        }
        var roots = docs.Where(d => d.Root is not null).ToList();
        if (roots.Count != 1)
            throw new ScenarioLoadException([new ManifestError(fileName, roots.Count > 1 ? roots[1].Start : null, roots.Count == 0 ? "the file is empty" : "a scenario file holds one YAML document")]);
        var root = fields.Mapping(roots[0].Root!, "a scenario");
        if (root is null) throw new ScenarioLoadException(fields.Errors);
        var scenario = Read(root, fields, baseDirectory ?? ".");
        if (fields.Errors.Count > 0) throw new ScenarioLoadException(fields.Errors);
        return scenario!;
    }

    /// <summary>True when a YAML file looks like a scenario (a <c>steps</c> or <c>cluster</c> key, no <c>kind</c>).</summary>
    public static bool LooksLikeScenario(string text)
    {
        try
        {
            var docs = YamlTree.ReadDocuments(text);
            return docs.Count == 1 && docs[0].Root is YMapping m && m.Find("kind") is null && (m.Find("steps") is not null || m.Find("cluster") is not null || m.Find("name") is not null);
        }
        catch (YamlReadException)
        {
            return false;
        }
    }

    private static Scenario? Read(YMapping root, YamlFields f, string baseDirectory)
    {
        f.OnlyKeys(root, "the scenario", TopLevelFields);
        var name = f.String(root, "name", required: true);
        if (name is not null && OneLineProblem(name) is { } badName)
        {
            f.Error(f.Get(root, "name")!.Start, $"\"name\" {badName}, got {GoValue.Quote(name)}");
            name = null;
        }
        var description = f.String(root, "description") ?? "";
        var seedNode = f.Get(root, "seed");
        ulong seed = 1;
        if (seedNode is not null)
        {
            if (seedNode is YScalar s && ulong.TryParse(s.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed)) seed = parsed;
            else f.Error(seedNode.Start, "\"seed\" must be a non-negative integer");
        }
        var start = SimTime.DefaultStart;
        if (f.Get(root, "start") is { } startNode)
        {
            if (startNode is YScalar ss && SimTime.TryParseRfc3339(ss.Value, out var t)) start = t;
            else f.Error(startNode.Start, "\"start\" must be an RFC 3339 time such as 2025-01-01T00:00:00Z");
        }
        var duration = f.Duration(root, "duration");
        if (duration is { } d && d <= SimDuration.Zero)
            f.Error(f.Get(root, "duration")!.Start, "\"duration\" must be greater than 0");
        else if (duration is { } tooLong && tooLong > SimulationLimits.MaxDuration)
            f.Error(f.Get(root, "duration")!.Start, $"\"duration\" {GoDuration.Format(tooLong)} is longer than KubeSim simulates ({SimulationLimits.MaxDurationText})");
        var cluster = f.Get(root, "cluster") is { } clusterNode ? ReadCluster(clusterNode, f) : ClusterShape.Default;
        var steps = new List<Step>();
        var pods = new PodBudget(f, cluster.Nodes.Sum(n => (long)n.Pods));
        var roster = new NodeRoster(f, cluster);
        switch (f.Get(root, "steps"))
        {
            case YSequence { Items.Count: > 0 } seq:
                for (var i = 0; i < seq.Items.Count; i++)
                    if (ReadStep(seq.Items[i], i, f, baseDirectory, pods, cluster, roster) is { } step) steps.Add(step);
                break;
            case YSequence empty:
                f.Error(empty.Start, "\"steps\" is empty: a scenario needs at least one step");
                break;
            case null:
                // A file cut short before its steps would otherwise run an idle cluster and pass.
                f.Error(root.Start, "missing required field \"steps\" (a scenario needs at least one step; is the file complete?)");
                break;
            case var other:
                f.Error(other.Start, "\"steps\" must be a list of steps");
                break;
        }
        if (name is null) return null;
        // Steps with the same time run in file order; a stable sort keeps it.
        var ordered = steps.OrderBy(s => s.At.Ticks).ToList();
        // Which nodes exist depends on the steps before: known only now that they are in order.
        roster.Check(ordered);
        var last = ordered.Count == 0 ? SimDuration.Zero : ordered[^1].At;
        if (duration is { } set && set > SimDuration.Zero)
        {
            // A step past the end would never run, and its expectations would silently not count.
            foreach (var late in ordered.Where(s => s.At > set))
                f.Error(late.Position, $"\"at\" {GoDuration.Format(late.At)} is after the scenario's duration {GoDuration.Format(set)}: the step would never run");
        }
        var end = duration ?? last + SimDuration.FromMinutes(1);
        if (end.Ticks > DateTime.MaxValue.Ticks - start.Ticks)
            f.Error(f.Get(root, "start")?.Start ?? root.Start, $"the scenario would run past the year 9999 (start {start} plus {GoDuration.Format(end)})");
        return new Scenario
        {
            Name = name,
            Description = description,
            Seed = seed,
            Start = start,
            Duration = end,
            Cluster = cluster,
            Steps = ordered,
            File = f.File,
            InputFiles = [f.File, .. f.InputFiles.Distinct()],
        };
    }

    private static ClusterShape ReadCluster(YNode node, YamlFields f)
    {
        var map = f.Mapping(node, "\"cluster\"");
        if (map is null) return ClusterShape.Default;
        f.OnlyKeys(map, "\"cluster\"", "controlPlane", "nodes", "network", "clientRateLimits");
        var controlPlane = (int)(f.Integer(map, "controlPlane", min: 1) ?? 1);
        if (controlPlane != 1)
            f.Error(f.Get(map, "controlPlane")!.Start, $"controlPlane: {controlPlane} needs the replicated control plane, which this version of KubeSim does not have yet; use 1");
        var nodes = new List<NodeShape>();
        switch (f.Get(map, "nodes"))
        {
            case null:
                nodes.AddRange(ClusterShape.Default.Nodes);
                break;
            case YMapping shape:
                f.OnlyKeys(shape, "\"cluster.nodes\"", "count", "cpu", "memory", "pods", "labels", "taints");
                var count = (int)(f.Integer(shape, "count", min: 0, max: SimulationLimits.MaxNodes) ?? 3);
                var template = ReadNode(shape, f, "node-1");
                for (var i = 1; i <= count; i++) nodes.Add(template with { Name = "node-" + i });
                break;
            case YSequence list:
                if (list.Items.Count > SimulationLimits.MaxNodes)
                    f.Error(list.Items[SimulationLimits.MaxNodes].Start, $"more than {SimulationLimits.MaxNodes} nodes, the most KubeSim simulates (Kubernetes' largest supported cluster)");
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var item in list.Items.Take(SimulationLimits.MaxNodes))
                {
                    if (f.Mapping(item, "a node") is not { } nm) continue;
                    f.OnlyKeys(nm, "a node", "name", "cpu", "memory", "pods", "labels", "taints");
                    var n = ReadNode(nm, f, f.String(nm, "name", required: true, what: "a node") ?? "?");
                    if (!names.Add(n.Name)) f.Error(nm.Start, $"node {GoValue.Quote(n.Name)} is listed twice");
                    else if (Sim.Core.Api.Selectors.Names.ValidateDns1123Subdomain(n.Name) is { } bad) f.Error(nm.Start, $"node name {GoValue.Quote(n.Name)}: {bad}");
                    nodes.Add(n);
                }
                break;
            case var other:
                f.Error(other.Start, "\"cluster.nodes\" must be a mapping (count and shape) or a list of nodes");
                break;
        }
        var latency = SimDuration.Zero;
        if (f.Get(map, "network") is { } networkNode && f.Mapping(networkNode, "\"cluster.network\"") is { } network)
        {
            f.OnlyKeys(network, "\"cluster.network\"", "latency");
            if (f.Duration(network, "latency") is { } l)
            {
                if (l < SimDuration.Zero || l > SimDuration.FromSeconds(10))
                    f.Error(f.Get(network, "latency")!.Start, $"\"latency\" {GoDuration.Format(l)} must be between 0s and 10s");
                else latency = l;
            }
        }
        var limits = f.String(map, "clientRateLimits") ?? "default";
        if (limits is not ("default" or "off"))
            f.Error(f.Get(map, "clientRateLimits")!.Start, $"\"clientRateLimits\" must be default or off, got {GoValue.Quote(limits)}");
        return new ClusterShape { ControlPlane = controlPlane, Nodes = nodes, NetworkLatency = latency, ClientRateLimits = limits != "off" };
    }

    /// <summary>A node's shape (cpu, memory, pods, labels, taints) as cluster.nodes and addNode write it.</summary>
    internal static NodeShape ReadNode(YMapping map, YamlFields f, string name)
    {
        var cpu = Quantity(map, "cpu", f) ?? "4";
        var memory = Quantity(map, "memory", f) ?? "8Gi";
        var pods = (int)(f.Integer(map, "pods", min: 1) ?? 110);
        var labels = f.StringMap(map, "labels");
        foreach (var (k, v) in labels)
        {
            if (Sim.Core.Api.Selectors.Labels.ValidateQualifiedName(k) is { } ke) f.Error(map.Find("labels")!.Value.Value.Start, $"label key {GoValue.Quote(k)}: {ke}");
            if (Sim.Core.Api.Selectors.Labels.ValidateValue(v) is { } ve) f.Error(map.Find("labels")!.Value.Value.Start, $"label value {GoValue.Quote(v)}: {ve}");
        }
        var taints = new List<TaintShape>();
        if (f.Get(map, "taints") is { } taintsNode)
        {
            if (taintsNode is YSequence seq)
            {
                var read = new List<(V1Taint Taint, YMapping At)>();
                foreach (var t in seq.Items)
                {
                    if (f.Mapping(t, "a taint") is not { } tm) continue;
                    f.OnlyKeys(tm, "a taint", "key", "value", "effect");
                    read.Add((new V1Taint { Key = f.String(tm, "key") ?? "", Value = f.String(tm, "value"), Effect = f.String(tm, "effect") ?? "" }, tm));
                }
                // The same checks the API server makes when the kubelet registers the node, reported where each taint is written.
                foreach (var error in Sim.Core.Api.Registry.Core.TaintValidation.Validate(read.Select(r => r.Taint).ToList(), "taints"))
                {
                    var index = int.Parse(error.Field[(error.Field.IndexOf('[') + 1)..error.Field.IndexOf(']')], System.Globalization.CultureInfo.InvariantCulture);
                    var field = error.Field[(error.Field.IndexOf(']') + 1)..].TrimStart('.');
                    var at = read[index].At;
                    f.Error(field.Length > 0 && at.Find(field) is { } written ? written.Value.Start : at.Start, $"node {GoValue.Quote(name)}: {error}");
                }
                taints.AddRange(read.Select(r => new TaintShape(r.Taint.Key, r.Taint.Value, r.Taint.Effect)));
            }
            else f.Error(taintsNode.Start, "\"taints\" must be a list of {key, value, effect}");
        }
        return new NodeShape { Name = name, Cpu = cpu, Memory = memory, Pods = pods, Labels = labels, Taints = taints };
    }

    private static string? Quantity(YMapping map, string key, YamlFields f)
    {
        var text = f.String(map, key);
        if (text is null) return null;
        if (Quantities.TryParse(text, out var quantity) && quantity.ToDecimal() > 0) return QuantityRange.Clamp(text);
        f.Error(map.Find(key)!.Value.Value.Start, $"{GoValue.Quote(key)} must be a positive Kubernetes quantity such as \"4\", \"500m\" or \"8Gi\", got {GoValue.Quote(text)}");
        return null;
    }

    private static Step? ReadStep(YNode node, int index, YamlFields f, string baseDirectory, PodBudget pods, ClusterShape cluster, NodeRoster roster)
    {
        if (f.Mapping(node, "a step") is not { } map) return null;
        var actionKeys = map.Entries.Where(e => e.Key.Value is not ("at" or "mayFail")).ToList();
        foreach (var (key, _) in actionKeys)
        {
            if (Actions.Contains(key.Value)) continue;
            f.Error(key.Start, PlannedActions.Contains(key.Value)
                ? $"action {GoValue.Quote(key.Value)} is not supported by this version of KubeSim yet (supported: {string.Join(", ", Actions)})"
                : $"unknown action {GoValue.Quote(key.Value)} (expected one of: {string.Join(", ", Actions)}; and at, mayFail)");
        }
        var known = actionKeys.Where(e => Actions.Contains(e.Key.Value)).ToList();
        if (known.Count > 1)
            f.Error(known[1].Key.Start, $"two actions in one step: {known[0].Key.Value} and {known[1].Key.Value} (give each its own step)");
        if (actionKeys.Count == 0)
            f.Error(map.Start, $"step has no action (expected one of: {string.Join(", ", Actions)})");
        var at = f.Duration(map, "at", required: true);
        if (at is { } a && a < SimDuration.Zero)
            f.Error(f.Get(map, "at")!.Start, "\"at\" must be >= 0");
        else if (at is { } late && late > SimulationLimits.MaxDuration)
        {
            f.Error(f.Get(map, "at")!.Start, $"\"at\" {GoDuration.Format(late)} is later than KubeSim simulates ({SimulationLimits.MaxDurationText})");
            at = null;
        }
        var mayFail = f.Bool(map, "mayFail") ?? false;
        if (known.Count != 1 || actionKeys.Count != 1 || at is null) return null;
        var (verbKey, body) = known[0];
        var action = StepActions.Read(verbKey.Value, body, verbKey.Start, f, baseDirectory, mayFail, pods, cluster, roster);
        if (action is null) return null;
        return new Step { At = at.Value, Action = action, MayFail = mayFail, Position = map.Start, Index = index };
    }

    /// <summary>Why a name cannot head a report (null when it can): it must be one line of printable text.</summary>
    private static string? OneLineProblem(string name)
    {
        if (name.Trim().Length == 0) return "must not be empty";
        if (name.Length > 253) return "must be at most 253 characters";
        foreach (var c in name)
            if (char.IsControl(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator)
                return "must be one line of printable text";
        return null;
    }
}
