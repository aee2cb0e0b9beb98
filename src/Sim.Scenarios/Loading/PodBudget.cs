using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Manifests;

namespace Sim.Scenarios.Loading;

/// <summary>
/// Adds up the pods a scenario's workloads may ask for (each workload at the most replicas any step gives it) and
/// refuses the step that would take the sum past <see cref="SimulationLimits.MaxPods"/>.
/// </summary>
internal sealed class PodBudget(YamlFields f, long nodeCapacity)
{
    private readonly (long Limit, string Why) _limit = SimulationLimits.PodLimit(nodeCapacity);

    private readonly Dictionary<(string Kind, string Namespace, string Name), long> _most = [];
    private long _total;

    /// <summary>Counts the pods each applied object may bring, reporting at the field that asks for too many.</summary>
    public void Apply(IEnumerable<ManifestDocument> docs, SourcePosition step)
    {
        foreach (var doc in docs)
        {
            if (Asks(doc.Object) is not { } ask) continue;
            if (ask.Pods > _limit.Limit)
            {
                f.Errors.Add(new ManifestError(doc.File, doc.PositionOf(ask.Field), $"{doc.Describe}: {ask.Field} {ask.Pods} asks for more pods than KubeSim simulates in this scenario ({_limit.Limit}: {_limit.Why})"));
                continue;
            }
            Raise(ask.Target ?? (doc.Object.Kind ?? "", doc.Object.Namespace() ?? "default", doc.Object.Metadata?.Name ?? ""), ask.Pods, step);
        }
    }

    /// <summary>Counts a scale step.</summary>
    public void Scale(string kind, string ns, string name, long replicas, SourcePosition at)
    {
        if (replicas > _limit.Limit)
        {
            f.Error(at, $"\"replicas\" {replicas} asks for more pods than KubeSim simulates in this scenario ({_limit.Limit}: {_limit.Why})");
            return;
        }
        Raise((kind, ns, name), replicas, at);
    }

    private void Raise((string, string, string) key, long pods, SourcePosition at)
    {
        var before = _most.GetValueOrDefault(key);
        if (pods <= before) return;
        _most[key] = pods;
        _total += pods - before;
        if (_total > _limit.Limit && _total - (pods - before) <= _limit.Limit)
            f.Error(at, $"with this step the scenario's workloads may ask for {_total} pods, more than KubeSim simulates in this scenario ({_limit.Limit}: {_limit.Why})");
    }

    // The pods an object may bring by itself, the field that says so, and which workload it sizes (an HPA sizes its target).
    private static (long Pods, string Field, (string, string, string)? Target)? Asks(KubeObject obj) => obj switch
    {
        V1Deployment d => (d.Spec?.Replicas ?? 1, "spec.replicas", null),
        V1ReplicaSet r => (r.Spec?.Replicas ?? 1, "spec.replicas", null),
        V1StatefulSet s => (s.Spec?.Replicas ?? 1, "spec.replicas", null),
        V1Job j => JobPods(j.Spec, "spec"),
        V1CronJob c => JobPods(c.Spec?.JobTemplate?.Spec, "spec.jobTemplate.spec"),
        V2HorizontalPodAutoscaler h when h.Spec?.ScaleTargetRef is { } target =>
            (h.Spec.MaxReplicas, "spec.maxReplicas", (target.Kind ?? "", obj.Namespace() ?? "default", target.Name ?? "")),
        V1Pod => (1, "metadata", null),
        _ => null,
    };

    // A Job runs at most parallelism pods at once, but keeps every finished one: completions (or parallelism) in all.
    private static (long, string, (string, string, string)?)? JobPods(V1JobSpec? spec, string path) =>
        spec?.Completions is { } c ? (Math.Max(c, spec.Parallelism ?? 1), path + ".completions", null) : (spec?.Parallelism ?? 1, path + ".parallelism", null);
}
