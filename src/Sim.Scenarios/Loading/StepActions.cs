using Sim.Core.Api;
using Sim.Core.Api.History;
using Sim.Core.Kernel;
using Sim.Core.Manifests;
using Sim.Core.Time;
using Sim.Scenarios.Model;

namespace Sim.Scenarios.Loading;

/// <summary>Reads the body of each action kind.</summary>
internal static class StepActions
{
    public static StepAction? Read(string verb, YNode body, SourcePosition at, YamlFields f, string baseDirectory, bool mayFail, PodBudget pods, ClusterShape cluster, NodeRoster roster) => verb switch
    {
        "apply" => ReadApply(body, at, f, baseDirectory, mayFail, pods),
        "delete" => ReadDelete(body, f),
        "scale" => ReadScale(body, f, pods),
        "setImage" => ReadSetImage(body, f),
        "expect" => ReadExpect(body, f),
        "rollback" => ReadRollback(body, f),
        "killContainer" => ReadKillContainer(body, f),
        "crashNode" or "restartNode" => FaultActions.ReadNodeFault(verb, body, f, roster),
        "partition" => FaultActions.ReadPartition(body, f, cluster, roster),
        "heal" => FaultActions.ReadHeal(body, f, cluster, roster),
        "addNode" => NodeActions.ReadAddNode(body, f, roster),
        "deleteNode" => NodeActions.ReadDeleteNode(body, f, roster),
        "load" => LoadActions.Read(body, f),
        "exec" => ExecSteps.ReadAction(body, f),
        _ => null,
    };

    private static ApiServer Scratch() =>
        new(new EventLoop(SimTime.DefaultStart), new SimRandom(1), new ApiServerOptions { HistoryRetention = HistoryRetention.Off });

    private static ApplyAction? ReadApply(YNode body, SourcePosition at, YamlFields f, string baseDirectory, bool mayFail, PodBudget pods)
    {
        var docs = new List<ManifestDocument>();
        var sources = new List<string>();
        var before = f.Errors.Count;
        void One(YNode item)
        {
            switch (item)
            {
                case YScalar s when !string.IsNullOrWhiteSpace(s.Value):
                    var path = Path.Combine(baseDirectory, s.Value);
                    sources.Add(s.Value);
                    // Like kubectl apply -f DIR: the directory's .json, .yaml and .yml files, in name order.
                    var files = Directory.Exists(path)
                        ? Directory.GetFiles(path).Where(p => Path.GetExtension(p) is ".json" or ".yaml" or ".yml").Order(StringComparer.Ordinal).ToList()
                        : File.Exists(path) ? [path] : null;
                    if (files is null)
                    {
                        f.Error(s.Start, $"manifest file {GoValue.Quote(s.Value)} not found (looked for {GoValue.Quote(path)})");
                        return;
                    }
                    if (files.Count == 0)
                    {
                        f.Error(s.Start, $"directory {GoValue.Quote(s.Value)} holds no .json, .yaml or .yml files");
                        return;
                    }
                    foreach (var file in files)
                    {
                        f.InputFiles.Add(file);
                        var loaded = ManifestLoader.LoadFile(file, file);
                        f.Errors.AddRange(loaded.Errors);
                        docs.AddRange(loaded.Documents);
                    }
                    break;
                case YMapping:
                    sources.Add("inline manifest");
                    var inline = ManifestLoader.LoadNode(item, f.File);
                    f.Errors.AddRange(inline.Errors);
                    docs.AddRange(inline.Documents);
                    break;
                default:
                    f.Error(item.Start, "\"apply\" takes a manifest path, an inline manifest, or a list of them");
                    break;
            }
        }
        if (body is YSequence seq) foreach (var item in seq.Items) One(item);
        else One(body);
        if (f.Errors.Count > before) return null;
        if (docs.Count == 0)
        {
            f.Error(at, "\"apply\" names no objects");
            return null;
        }
        if (!mayFail)
        {
            // Objects the API would refuse are input errors, found before simulating; a step marked mayFail
            // is exempt so that lessons can show the API refusing them.
            var scratch = Scratch();
            foreach (var doc in docs) f.Errors.AddRange(ManifestValidator.Validate(doc, scratch));
            if (f.Errors.Count > before) return null;
        }
        pods.Apply(docs, at);
        if (f.Errors.Count > before) return null;
        return new ApplyAction(string.Join(", ", sources.Distinct()), docs);
    }

    internal static ResourceKind? Kind(YMapping map, YamlFields f, string? fallback = null, Func<ResourceKind, string?>? check = null)
    {
        var name = f.String(map, "kind") ?? fallback;
        if (name is null)
        {
            f.Error(map.Start, "missing required field \"kind\"");
            return null;
        }
        var kind = ResourceKinds.FindByName(name);
        var at = map.Find("kind")?.Value.Start ?? map.Start;
        if (kind is null)
        {
            f.Error(at, $"unknown kind {GoValue.Quote(name)} (expected one of: {string.Join(", ", ResourceKinds.All.Select(k => k.Kind))})");
            return null;
        }
        if (check?.Invoke(kind) is { } problem)
        {
            f.Error(at, problem);
            return null;
        }
        return kind;
    }

    internal static string Namespace(YMapping map, YamlFields f, ResourceKind? kind) =>
        kind is { Namespaced: false } ? "" : f.String(map, "namespace") ?? "default";

    private static DeleteAction? ReadDelete(YNode body, YamlFields f)
    {
        if (f.Mapping(body, "\"delete\"") is not { } map) return null;
        f.OnlyKeys(map, "\"delete\"", "kind", "name", "selector", "count", "namespace", "propagationPolicy", "gracePeriodSeconds");
        var kind = Kind(map, f);
        var name = f.String(map, "name");
        var selector = f.String(map, "selector");
        var count = f.Integer(map, "count", min: 1);
        if (name is null == selector is null) f.Error(map.Start, "\"delete\" needs exactly one of \"name\" or \"selector\"");
        if (name is not null && count is not null) f.Error(map.Find("count")!.Value.Key.Start, "\"count\" goes with \"selector\", not \"name\"");
        if (selector is not null && string.IsNullOrWhiteSpace(selector))
            f.Error(map.Find("selector")!.Value.Value.Start, "\"selector\" is empty: it would select every object (kubectl wants --all for that; name the objects with a selector)");
        else if (selector is not null && !Sim.Core.Api.Selectors.LabelSelector.TryParse(selector, out _, out var selError))
            f.Error(map.Find("selector")!.Value.Value.Start, $"bad selector {GoValue.Quote(selector)}: {selError}");
        var policyText = f.String(map, "propagationPolicy") ?? "Background";
        if (!Enum.TryParse<PropagationPolicy>(policyText, ignoreCase: false, out var policy))
        {
            f.Error(map.Find("propagationPolicy")!.Value.Value.Start, $"unsupported propagationPolicy {GoValue.Quote(policyText)} (expected Background, Foreground or Orphan)");
            return null;
        }
        var grace = f.Integer(map, "gracePeriodSeconds", min: 0, max: long.MaxValue);
        if (kind is null) return null;
        return new DeleteAction(new ObjectTarget(kind, Namespace(map, f, kind), name, selector, (int?)count), policy, grace);
    }

    private static ScaleAction? ReadScale(YNode body, YamlFields f, PodBudget pods)
    {
        if (f.Mapping(body, "\"scale\"") is not { } map) return null;
        f.OnlyKeys(map, "\"scale\"", "kind", "name", "namespace", "replicas");
        var kind = Kind(map, f, check: k => k.HasScale ? null : $"{k.Kind} has no scale subresource (expected Deployment, ReplicaSet or StatefulSet)");
        var name = f.String(map, "name", required: true, what: "\"scale\"");
        var replicas = f.Integer(map, "replicas", min: 0, required: true);
        if (kind is null || name is null || replicas is null) return null;
        var ns = Namespace(map, f, kind);
        pods.Scale(kind.Kind, ns, name, replicas.Value, map.Find("replicas")!.Value.Value.Start);
        return new ScaleAction(new ObjectTarget(kind, Namespace(map, f, kind), name, null, null), (int)replicas);
    }

    private static SetImageAction? ReadSetImage(YNode body, YamlFields f)
    {
        if (f.Mapping(body, "\"setImage\"") is not { } map) return null;
        f.OnlyKeys(map, "\"setImage\"", "kind", "name", "namespace", "container", "image");
        var kind = Kind(map, f, check: k => k == ResourceKinds.Deployment || k == ResourceKinds.StatefulSet || k == ResourceKinds.DaemonSet
            || k == ResourceKinds.ReplicaSet || k == ResourceKinds.Pod || k == ResourceKinds.Job || k == ResourceKinds.CronJob
            ? null : $"{k.Kind} has no pod template (expected Deployment, StatefulSet, DaemonSet, ReplicaSet, Pod, Job or CronJob)");
        var name = f.String(map, "name", required: true, what: "\"setImage\"");
        var container = f.String(map, "container", required: true, what: "\"setImage\"");
        var image = f.String(map, "image", required: true, what: "\"setImage\"");
        if (kind is null || name is null || container is null || image is null) return null;
        return new SetImageAction(new ObjectTarget(kind, Namespace(map, f, kind), name, null, null), container, image);
    }

    private static RollbackAction? ReadRollback(YNode body, YamlFields f)
    {
        if (f.Mapping(body, "\"rollback\"") is not { } map) return null;
        f.OnlyKeys(map, "\"rollback\"", "kind", "name", "namespace", "toRevision");
        var kind = Kind(map, f, "Deployment", k => k == ResourceKinds.Deployment ? null : "rollback works on Deployments");
        var name = f.String(map, "name", required: true, what: "\"rollback\"");
        var revision = f.Integer(map, "toRevision", min: 0, max: long.MaxValue) ?? 0;
        if (kind is null || name is null) return null;
        return new RollbackAction(new ObjectTarget(kind, Namespace(map, f, kind), name, null, null), revision);
    }

    private static KillContainerAction? ReadKillContainer(YNode body, YamlFields f)
    {
        if (f.Mapping(body, "\"killContainer\"") is not { } map) return null;
        f.OnlyKeys(map, "\"killContainer\"", "pod", "container", "namespace", "exitCode");
        var pod = f.String(map, "pod", required: true, what: "\"killContainer\"");
        var exitCode = f.Integer(map, "exitCode", min: 0) ?? 137;
        if (exitCode > 255) f.Error(map.Find("exitCode")!.Value.Value.Start, "\"exitCode\" must be between 0 and 255");
        if (pod is null) return null;
        return new KillContainerAction(f.String(map, "namespace") ?? "default", pod, f.String(map, "container"), (int)exitCode);
    }

    private static ExpectAction? ReadExpect(YNode body, YamlFields f)
    {
        var items = body is YSequence seq ? seq.Items : [body];
        var expectations = new List<Expectation>();
        foreach (var item in items)
            if (Expectations.Read(item, f) is { } e) expectations.Add(e);
        if (items.Count == 0) f.Error(body.Start, "\"expect\" lists no expectations");
        return expectations.Count == items.Count && items.Count > 0 ? new ExpectAction(expectations) : null;
    }
}
