using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Controllers.Scheduler;
using Sim.Core.Api;
using Sim.Core.Kernel;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Controllers.Tests.Scheduler;

/// <summary>
/// A world with an API server and one default-scheduler, nothing else: tests create Nodes and Pods through the API as a
/// user would, run the loop, and read back what kubectl would show.
/// </summary>
internal sealed class SchedulerHarness
{
    private readonly SchedulerOptions? _options;
    private DefaultScheduler? _scheduler;

    /// <summary>A world whose scheduler starts at once, or (with <paramref name="start"/> false) when <see cref="StartScheduler"/> is called.</summary>
    public SchedulerHarness(ulong seed = 1, SchedulerOptions? options = null, bool start = true)
    {
        _options = options;
        Loop = new EventLoop(SimTime.DefaultStart);
        Api = new ApiServer(Loop, new SimRandom(seed));
        var client = Api.ClientFor("kube-scheduler");
        Context = new ControllerContext(Loop, client, new InformerFactory(client, Loop, new SimRandom(seed)), new SimRandom(seed).Fork("kube-scheduler"));
        User = Api.ClientFor("kubectl");
        if (start) StartScheduler();
    }

    /// <summary>The composition root's order: construct the scheduler, then start the process's informers.</summary>
    public void StartScheduler()
    {
        _scheduler = new DefaultScheduler(Context, _options);
        Context.Informers.Start();
    }

    public EventLoop Loop { get; }

    public ApiServer Api { get; }

    public ControllerContext Context { get; }

    public DefaultScheduler Scheduler => _scheduler ?? throw new InvalidOperationException("scheduler not started");

    public ApiClient User { get; }

    public V1Node AddNode(
        string name, string cpu = "4", string memory = "8Gi", int pods = 110, IDictionary<string, string>? labels = null,
        IList<V1Taint>? taints = null, bool unschedulable = false, string ready = "True")
    {
        var allLabels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = name };
        foreach (var (k, v) in labels ?? new Dictionary<string, string>()) allLabels[k] = v;
        var resources = new Dictionary<string, ResourceQuantity>
        {
            ["cpu"] = new(cpu),
            ["memory"] = new(memory),
            ["pods"] = new(pods.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        return User.Create(new V1Node
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = allLabels },
            Spec = new V1NodeSpec { Taints = taints, Unschedulable = unschedulable ? true : null },
            Status = new V1NodeStatus
            {
                Capacity = resources,
                Allocatable = new Dictionary<string, ResourceQuantity>(resources),
                Conditions = [new V1NodeCondition { Type = "Ready", Status = ready, Reason = "KubeletReady" }],
            },
        }).Unwrap();
    }

    public V1Pod CreatePod(string name, string? cpu = null, string? memory = null, Action<V1Pod>? configure = null, string ns = "default")
    {
        var requests = new Dictionary<string, ResourceQuantity>();
        if (cpu is not null) requests["cpu"] = new ResourceQuantity(cpu);
        if (memory is not null) requests["memory"] = new ResourceQuantity(memory);
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            Spec = new V1PodSpec
            {
                Containers =
                [
                    new V1Container
                    {
                        Name = "app",
                        Image = "nginx",
                        Resources = requests.Count == 0 ? null : new V1ResourceRequirements { Requests = requests },
                    },
                ],
            },
        };
        configure?.Invoke(pod);
        return User.Create(pod).Unwrap();
    }

    /// <summary>A ReplicaSet (no controller runs it) and pods it owns, as its controller would create them.</summary>
    public V1ReplicaSet CreateReplicaSet(string name, string app)
    {
        var labels = new Dictionary<string, string> { ["app"] = app };
        return User.Create(new V1ReplicaSet
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
            Spec = new V1ReplicaSetSpec
            {
                Replicas = 0,
                Selector = new V1LabelSelector { MatchLabels = labels },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "nginx" }] },
                },
            },
        }).Unwrap();
    }

    public V1Pod CreateReplica(V1ReplicaSet rs, string name, string? cpu = null, string? memory = null) =>
        CreatePod(name, cpu, memory, p =>
        {
            p.Metadata.Labels = new Dictionary<string, string>(rs.Spec.Selector.MatchLabels);
            p.Metadata.OwnerReferences =
            [
                new V1OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = rs.Metadata.Name, Uid = rs.Metadata.Uid, Controller = true, BlockOwnerDeletion = true },
            ];
        });

    public void Run(double seconds) => Loop.RunFor(SimDuration.FromSeconds(seconds));

    /// <summary>Creates a PriorityClass; pods name it in spec.priorityClassName and admission gives them its value.</summary>
    public void AddPriorityClass(string name, int value) =>
        User.Create(new V1PriorityClass { Metadata = new V1ObjectMeta { Name = name }, Value = value }).Unwrap();

    public V1Pod Pod(string name, string ns = "default") => User.Get<V1Pod>(ns, name).Unwrap();

    public string? NodeOf(string pod, string ns = "default") => User.Find<V1Pod>(ns, pod)?.Spec.NodeName;

    public V1PodCondition? PodScheduled(string pod) => Pod(pod).Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled");

    /// <summary>Events about a pod, oldest first, as kubectl describe lists them.</summary>
    public List<Corev1Event> EventsFor(string pod, string ns = "default") =>
        User.ListNow<Corev1Event>(ns).Where(e => e.InvolvedObject.Name == pod).OrderBy(e => e.FirstTimestamp).ThenBy(e => e.Metadata.Name, StringComparer.Ordinal).ToList();

    public string? LastFailedScheduling(string pod) =>
        EventsFor(pod).LastOrDefault(e => e.Reason == "FailedScheduling")?.Message;

    /// <summary>kubectl delete: graceful for a bound pod (it stays Terminating until a kubelet confirms), unless forced.</summary>
    public void Delete(string pod, bool force = false, string ns = "default") =>
        User.Delete<V1Pod>(ns, pod, force ? new DeleteOptions { GracePeriodSeconds = 0 } : null).Unwrap();

    public void SetPhase(string pod, string phase)
    {
        var copy = ModelCopy.Clone(Pod(pod));
        copy.Status.Phase = phase;
        User.UpdateStatus(copy).Unwrap();
    }

    public static V1Taint Taint(string key, string value, string effect = "NoSchedule") => new() { Key = key, Value = value, Effect = effect };

    public static Dictionary<string, string> Labels(params string[] pairs) =>
        pairs.Select(p => p.Split('=')).ToDictionary(kv => kv[0], kv => kv[1]);
}
