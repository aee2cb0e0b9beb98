using System.Text.Json.Nodes;
using k8s.Models;
using Sim.Controllers.Cluster;
using Sim.Core.Api;
using Sim.Core.Api.Patch;
using Sim.Core.Api.Selectors;
using Sim.Core.Serialization;
using Sim.Core.Time;
using Sim.Scenarios.Model;

namespace Sim.Scenarios;

/// <summary>The outcome of one action on one object: kubectl's words for what happened, or the API's refusal.</summary>
internal sealed record ActionOutcome(bool Ok, string Subject, string Message);

/// <summary>
/// Carries out scenario actions through the API, as <c>kubectl</c> would (user agent <c>kubectl</c>, on the control
/// plane, without a rate limit), one request at a time, each awaited as kubectl waits for its answer.
/// </summary>
internal sealed partial class StepExecutor(SimulatedCluster cluster, SimTime origin)
{
    private readonly ApiClient _kubectl = cluster.Client("kubectl");

    private ApiClient Api => _kubectl;

    public async ValueTask<IReadOnlyList<ActionOutcome>> Execute(StepAction action)
    {
        switch (action)
        {
            case ApplyAction a:
                var applied = new List<ActionOutcome>();
                foreach (var doc in a.Documents) applied.Add(await Apply(doc));
                return applied;
            case DeleteAction d:
                return await Delete(d);
            case ScaleAction s:
                return [await Scale(s)];
            case SetImageAction i:
                return [await SetImage(i)];
            case RollbackAction r:
                return [await DeploymentRollback.Run(Api, r)];
            case KillContainerAction k:
                return [await KillContainer(k)];
            case NodeFaultAction n:
                return [NodeFault(n)];
            case PartitionAction p:
                return [Partition(p)];
            case HealAction h:
                return [Heal(h)];
            case LoadAction l:
                return [LoadStep.Run(cluster, l)];
            case AddNodeAction add:
                return [AddNode(add)];
            case DeleteNodeAction del:
                return [await DeleteNode(del)];
            case ExecAction e:
                return [await Exec(e)];
            default:
                return [new ActionOutcome(false, "", $"action {action.Verb} is not supported")];
        }
    }

    private async ValueTask<ActionOutcome> Apply(Sim.Core.Manifests.ManifestDocument doc)
    {
        var obj = ModelCopy.Clone(doc.Object);
        var kind = doc.Kind;
        var meta = obj.Metadata ??= new V1ObjectMeta();
        if (kind.Namespaced) meta.NamespaceProperty ??= "default";
        var name = meta.Name ?? meta.GenerateName ?? "";
        var subject = kind.KubectlName(name);
        // kubectl apply needs a name to find the object again next time.
        if (string.IsNullOrEmpty(meta.Name) && !string.IsNullOrEmpty(meta.GenerateName))
            return new ActionOutcome(false, subject, $"error: from {meta.GenerateName}: cannot use generate name with apply");
        meta.Annotations?.Remove(ApplyPatch.LastAppliedAnnotation);
        if (meta.Annotations is { Count: 0 }) meta.Annotations = null;
        var lastApplied = KubeJson.Serialize(obj);
        meta.Annotations ??= new Dictionary<string, string>();
        meta.Annotations[ApplyPatch.LastAppliedAnnotation] = lastApplied + "\n";

        var existing = string.IsNullOrEmpty(meta.Name) ? null : (await Api.Get(kind, meta.NamespaceProperty, meta.Name)).Value;
        if (existing is null)
        {
            var created = await Api.Create(obj);
            return created.IsSuccess
                ? new ActionOutcome(true, kind.KubectlName(created.Value!.Metadata.Name), "created")
                : Refused(subject, created.Error!, "creating");
        }
        JsonObject? previous = null;
        if (existing.Metadata.Annotations?.TryGetValue(ApplyPatch.LastAppliedAnnotation, out var prior) == true)
            previous = JsonNode.Parse(prior) as JsonObject;
        var desired = (JsonObject)JsonNode.Parse(KubeJson.Serialize(obj))!;
        var patch = ApplyPatch.ThreeWay(previous, desired, kind.ModelType);
        var result = await Api.Patch(kind, meta.NamespaceProperty, meta.Name!, PatchType.StrategicMerge, patch.ToJsonString());
        if (!result.IsSuccess) return Refused(subject, result.Error!, "applying patch");
        return new ActionOutcome(true, subject, result.Value!.Metadata.ResourceVersion == existing.Metadata.ResourceVersion ? "unchanged" : "configured");
    }

    private async ValueTask<IReadOnlyList<ActionOutcome>> Delete(DeleteAction d)
    {
        var t = d.Target;
        var options = new DeleteOptions { PropagationPolicy = d.Propagation, GracePeriodSeconds = d.GracePeriodSeconds };
        List<string> names;
        if (t.Name is not null)
        {
            names = [t.Name];
        }
        else
        {
            var list = await Api.List(t.Kind, t.Namespace, new ListOptions { LabelSelector = t.Selector });
            if (!list.IsSuccess) return [Refused(t.Describe(), list.Error!, "listing")];
            // Objects already being deleted are skipped, so "delete one pod" means one more pod goes.
            names = list.Value!.Items.Where(o => o.Metadata.DeletionTimestamp is null).Select(o => o.Metadata.Name).Order(StringComparer.Ordinal).ToList();
            if (t.Count is { } c) names = names.Take(c).ToList();
            if (names.Count == 0) return [new ActionOutcome(true, t.Describe(), "No resources found")];
        }
        var outcomes = new List<ActionOutcome>();
        foreach (var name in names)
        {
            var result = await Api.Delete(t.Kind, t.Namespace, name, options);
            outcomes.Add(result.IsSuccess
                ? new ActionOutcome(true, t.Kind.KubectlName(name), $"{(t.Kind.Group.Length == 0 ? t.Kind.Singular : t.Kind.Singular + "." + t.Kind.Group)} {GoValue.Quote(name)} deleted")
                : Refused(t.Kind.KubectlName(name), result.Error!, "deleting"));
        }
        return outcomes;
    }

    private async ValueTask<ActionOutcome> Scale(ScaleAction s)
    {
        var t = s.Target;
        var result = await Api.UpdateScale(t.Kind, t.Namespace, t.Name!, s.Replicas);
        return result.IsSuccess
            ? new ActionOutcome(true, t.Kind.KubectlName(t.Name!), $"scaled to {s.Replicas}")
            : Refused(t.Kind.KubectlName(t.Name!), result.Error!, "scaling");
    }

    private async ValueTask<ActionOutcome> SetImage(SetImageAction s)
    {
        var t = s.Target;
        var subject = t.Kind.KubectlName(t.Name!);
        var existing = await Api.Get(t.Kind, t.Namespace, t.Name!);
        if (!existing.IsSuccess) return Refused(subject, existing.Error!, "getting");
        var (podSpec, wrap) = PodSpecOf(existing.Value!);
        if (podSpec is null) return new ActionOutcome(false, subject, $"error: {t.Kind.Kind} has no pod template");
        var inInit = podSpec.InitContainers?.Any(c => c.Name == s.Container) == true;
        if (podSpec.Containers?.Any(c => c.Name == s.Container) != true && !inInit)
            return new ActionOutcome(false, subject, $"error: unable to find container named {GoValue.Quote(s.Container)}");
        var containers = new JsonArray(new JsonObject { ["name"] = s.Container, ["image"] = s.Image });
        var patch = wrap(new JsonObject { [inInit ? "initContainers" : "containers"] = containers });
        var result = await Api.Patch(t.Kind, t.Namespace, t.Name!, PatchType.StrategicMerge, patch.ToJsonString());
        return result.IsSuccess ? new ActionOutcome(true, subject, $"image updated: {s.Container}={s.Image}") : Refused(subject, result.Error!, "patching");
    }

    private static (V1PodSpec? Spec, Func<JsonObject, JsonObject> Wrap) PodSpecOf(KubeObject obj)
    {
        static JsonObject Template(JsonObject spec) => new() { ["spec"] = new JsonObject { ["template"] = new JsonObject { ["spec"] = spec } } };
        return obj switch
        {
            V1Deployment d => (d.Spec.Template?.Spec, Template),
            V1ReplicaSet r => (r.Spec.Template?.Spec, Template),
            V1StatefulSet s => (s.Spec.Template?.Spec, Template),
            V1DaemonSet ds => (ds.Spec.Template?.Spec, Template),
            V1Job j => (j.Spec.Template?.Spec, Template),
            V1Pod p => (p.Spec, spec => new JsonObject { ["spec"] = spec }),
            V1CronJob c => (c.Spec.JobTemplate?.Spec?.Template?.Spec,
                spec => new JsonObject { ["spec"] = new JsonObject { ["jobTemplate"] = Template(spec) } }),
            _ => (null, x => x),
        };
    }

    private async ValueTask<ActionOutcome> KillContainer(KillContainerAction k)
    {
        var subject = "pod/" + k.Pod;
        var pod = (await _kubectl.Get<V1Pod>(k.Namespace, k.Pod)).Value;
        if (pod is null) return new ActionOutcome(false, subject, $"Error from server (NotFound): pods {GoValue.Quote(k.Pod)} not found");
        var container = k.Container ?? pod.Spec.Containers[0].Name;
        if (string.IsNullOrEmpty(pod.Spec.NodeName)) return new ActionOutcome(false, subject, $"pod {k.Pod} is not running on any node");
        var outcome = cluster.KillContainer(k.Namespace, k.Pod, container, k.ExitCode);
        return new ActionOutcome(outcome is null, subject, outcome ?? $"killed container {container} (exit code {k.ExitCode})");
    }

    // Faults act on the machines and the network, never through the API; the timeline says what happened in plain words.
    private ActionOutcome NodeFault(NodeFaultAction n)
    {
        var crash = n.Action == "crashNode";
        var problem = crash ? cluster.CrashNode(n.Node) : cluster.RestartNode(n.Node);
        return new ActionOutcome(problem is null, "node/" + n.Node, problem ?? (crash ? $"{n.Node} crashed" : $"{n.Node} restarted"));
    }

    // A new machine boots; the name was checked at load time, but an object applied since may hold it.
    private ActionOutcome AddNode(AddNodeAction a)
    {
        var problem = cluster.AddNode(ScenarioRun.ToNodeSpec(a.Node));
        return new ActionOutcome(problem is null, "node/" + a.Node.Name, problem ?? $"{a.Node.Name} added: its kubelet starts and registers the node");
    }

    // kubectl delete node, then the machine is powered off.
    private async ValueTask<ActionOutcome> DeleteNode(DeleteNodeAction d)
    {
        var problem = await cluster.DeleteNode(d.Node);
        return new ActionOutcome(problem is null, "node/" + d.Node, problem ?? $"node {GoValue.Quote(d.Node)} deleted (the machine is powered off)");
    }

    private ActionOutcome Partition(PartitionAction p)
    {
        if (p.Isolate is { } isolated)
        {
            var others = cluster.Network.Endpoints.Where(e => !isolated.Contains(e)).ToList();
            cluster.Isolate(isolated);
            return new ActionOutcome(true, "network", $"{string.Join(", ", isolated)} cut off from {(others.Count == 0 ? "nothing" : string.Join(", ", others))}");
        }
        cluster.Partition(p.Groups!);
        return new ActionOutcome(true, "network", "network split into " + string.Join(" and ", p.Groups!.Select(g => "[" + string.Join(", ", g) + "]")));
    }

    private ActionOutcome Heal(HealAction h)
    {
        var healed = cluster.Heal(h.Endpoints);
        var what = h.Endpoints is null ? "network healed" : string.Join(", ", h.Endpoints) + " reconnected";
        return new ActionOutcome(true, "network", healed.Count == 0 ? what + " (nothing was cut)" : what);
    }

    // kubectl says what it was doing only for apply ("error when creating ..."); get, delete, scale and patch print
    // the server's answer as it is.
    private static ActionOutcome Refused(string subject, ApiError error, string doing) =>
        new(false, subject, doing is "creating" or "applying patch"
            ? $"Error from server ({error.Reason}): error when {doing} {subject}: {error.KubectlMessage}"
            : $"Error from server ({error.Reason}): {error.KubectlMessage}");

    internal SimDuration Now => cluster.Now - origin;
}
