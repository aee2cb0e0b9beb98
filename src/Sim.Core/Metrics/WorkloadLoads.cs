using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Api.Selectors;
using Sim.Core.Kernel;
using Sim.Core.Nodes;
using Sim.Core.Time;

namespace Sim.Core.Metrics;

/// <summary>
/// The traffic a scenario sends (its <c>load</c> action): a workload's total CPU and memory demand, shared evenly by
/// the pods that serve it, as a Service would spread it over its endpoints. A pod serves while the API shows it
/// Running and Ready and not terminating, in the workload's namespace and matching its selector (the endpoints
/// controller's rule); each serving pod's machine is told its share the instant the set of serving pods changes.
/// </summary>
/// <remarks>
/// The share changes as a step when pods come and go; what the metrics API shows ramps from the old figure to the new
/// one over the next 15 s window, because CPU is served as the rate between two scrapes (a pod that turned Ready
/// mid-window shows a blend first). That is the ramp a real cluster shows too; KubeSim adds no ramp of its own.
/// </remarks>
public sealed class WorkloadLoads
{
    private readonly ApiServer _api;
    private readonly Func<string, NodeMachine?> _machine;
    private readonly List<Load> _loads = [];

    /// <summary>Loads on the workloads of <paramref name="api"/>, told to the machines that <paramref name="machine"/> finds by node name.</summary>
    public WorkloadLoads(ApiServer api, Func<string, NodeMachine?> machine)
    {
        _api = api;
        _machine = machine;
    }

    /// <summary>The workloads with a load, in the order their loads were first set.</summary>
    public IReadOnlyList<(ObjectKey Workload, long? CpuMilli, long? MemoryBytes, int ServingPods)> Current =>
        _loads.Select(l => (l.Workload, l.CpuMilli, l.MemoryBytes, l.Serving.Count)).ToList();

    /// <summary>
    /// Sends a workload (Deployment, ReplicaSet or StatefulSet) a total demand of <paramref name="cpuMilli"/>
    /// millicores and <paramref name="memoryBytes"/> bytes from now on (a null part: none of it), replacing any earlier
    /// load on it. Null on success, else the API's refusal (the workload does not exist).
    /// </summary>
    public ApiError? Set(ResourceKind kind, string ns, string name, long? cpuMilli, long? memoryBytes)
    {
        if (!kind.HasScale) return ApiError.BadRequest($"{kind.Kind} is not a workload with replicas (expected Deployment, ReplicaSet or StatefulSet)");
        if (_api.Find(kind, ns, name) is not { } workload) return ApiError.NotFound(kind, name);
        var key = new ObjectKey(kind, ns, name);
        var load = _loads.Find(l => l.Workload == key);
        if (load is null)
        {
            // Listening to commits only once there is a load: a commit then costs nothing more in runs without one.
            if (_loads.Count == 0) _api.Committed += OnCommitted;
            load = new Load(key);
            _loads.Add(load);
        }
        load.CpuMilli = cpuMilli;
        load.MemoryBytes = memoryBytes;
        load.Selector = SelectorOf(workload);
        Rebuild(load);
        Share(load);
        return null;
    }

    private static LabelSelector SelectorOf(KubeObject workload)
    {
        var selector = workload switch
        {
            V1Deployment d => d.Spec?.Selector,
            V1ReplicaSet r => r.Spec?.Selector,
            V1StatefulSet s => s.Spec?.Selector,
            _ => null,
        };
        // An unusable selector selects nothing, as the API would not have stored it.
        return LabelSelector.TryFromV1(selector, out var parsed, out _) && !parsed.IsEverything ? parsed : LabelSelector.Nothing;
    }

    private static bool Serves(V1Pod pod) =>
        pod.Status?.Phase == "Running" && PodState.IsReady(pod) && !PodState.IsTerminating(pod) && pod.Spec?.NodeName is { Length: > 0 };

    private void OnCommitted(CommittedChange change)
    {
        if (change.Object is V1Pod pod)
        {
            var ns = pod.Metadata.NamespaceProperty ?? "default";
            foreach (var load in _loads)
            {
                if (load.Workload.Namespace != ns) continue;
                var serves = change.Type != k8s.WatchEventType.Deleted && load.Selector.Matches(pod.Metadata.Labels) && Serves(pod);
                var changed = serves
                    ? load.Serving.TryAdd(pod.Metadata.Name, (pod.Metadata.Uid, pod.Spec!.NodeName))
                    : load.Serving.Remove(pod.Metadata.Name, out var gone) && Leave(gone);
                if (changed) Share(load);
            }
            return;
        }
        foreach (var load in _loads)
        {
            if (load.Workload.Kind.ModelType != change.Object.GetType() || load.Workload.Name != change.Object.Metadata.Name
                || load.Workload.Namespace != (change.Object.Metadata.NamespaceProperty ?? "default")) continue;
            // A workload recreated under the same name may select other pods.
            if (change.Type == k8s.WatchEventType.Deleted) continue;
            var selector = SelectorOf(change.Object);
            if (selector.ToString() == load.Selector.ToString()) continue;
            load.Selector = selector;
            Rebuild(load);
            Share(load);
        }
    }

    // The pod stopped serving: its machine stops sending it anything.
    private bool Leave((string Uid, string Node) pod)
    {
        _machine(pod.Node)?.Demands.Set(pod.Uid, PodDemand.None, _api.Loop.Now);
        return true;
    }

    private void Rebuild(Load load)
    {
        var serving = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (var obj in _api.List(ResourceKinds.Pod, load.Workload.Namespace).Value!.Items)
        {
            var pod = (V1Pod)obj;
            if (load.Selector.Matches(pod.Metadata.Labels) && Serves(pod)) serving[pod.Metadata.Name] = (pod.Metadata.Uid, pod.Spec.NodeName);
        }
        foreach (var (name, pod) in load.Serving)
            if (!serving.ContainsKey(name)) Leave(pod);
        load.Serving.Clear();
        foreach (var (name, pod) in serving) load.Serving[name] = pod;
    }

    // Every serving pod gets an even share of the load from now on.
    private void Share(Load load)
    {
        var n = load.Serving.Count;
        if (n == 0) return;
        var demand = new PodDemand(
            load.CpuMilli is { } cpu ? Saturating.Multiply(cpu, 1_000_000) / n : null,
            load.MemoryBytes is { } memory ? memory / n : null);
        var now = _api.Loop.Now;
        foreach (var (uid, node) in load.Serving.Values) _machine(node)?.Demands.Set(uid, demand, now);
    }

    private sealed class Load(ObjectKey workload)
    {
        public ObjectKey Workload { get; } = workload;

        public long? CpuMilli { get; set; }

        public long? MemoryBytes { get; set; }

        public LabelSelector Selector { get; set; } = LabelSelector.Nothing;

        // Serving pods by name: their uid and node (the order they are told their share in changes nothing).
        public Dictionary<string, (string Uid, string Node)> Serving { get; } = new(StringComparer.Ordinal);
    }
}
