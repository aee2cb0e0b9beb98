using k8s.Models;
using Sim.Controllers.GarbageCollector;
using Sim.Controllers.Runtime;
using Sim.Core.Api;
using Sim.Core.Kernel;
using Sim.Core.Time;

namespace Sim.Controllers.Tests.GarbageCollector;

/// <summary>
/// An API server with only the garbage collector running: tests create owners and dependents by hand (as a
/// user would with kubectl), delete through the API, run the loop and look at what is left.
/// </summary>
internal sealed class GcWorld
{
    private readonly InformerFactory _informers;

    /// <param name="seed">The root seed.</param>
    /// <param name="start">Start the informers at once; otherwise call <see cref="Start"/> (a collector coming up late).</param>
    public GcWorld(ulong seed = 1, bool start = true)
    {
        Loop = new EventLoop(SimTime.DefaultStart);
        Api = new ApiServer(Loop, new SimRandom(seed));
        Kubectl = Api.ClientFor("kubectl");
        var client = Api.ClientFor(GarbageCollectorController.UserAgent);
        _informers = new InformerFactory(client, Loop, new SimRandom(seed));
        Gc = new GarbageCollectorController(new ControllerContext(Loop, client, _informers, new SimRandom(seed).Fork("controllers")));
        if (start) Start();
    }

    public void Start() => _informers.Start();

    public EventLoop Loop { get; }

    public ApiServer Api { get; }

    public ApiClient Kubectl { get; }

    public GarbageCollectorController Gc { get; }

    /// <summary>Runs the loop long enough for every cascade in these tests to finish.</summary>
    public void Settle() => Loop.RunFor(SimDuration.FromSeconds(30));

    public V1Deployment Deployment(string name = "web", string ns = "default") =>
        Kubectl.Create(new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            Spec = new V1DeploymentSpec
            {
                Replicas = 2,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
                Template = Template(name),
            },
        }).Unwrap();

    public V1ReplicaSet ReplicaSet(string name, params KubeObject[] owners) =>
        Kubectl.Create(new V1ReplicaSet
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace(owners), OwnerReferences = References(owners) },
            Spec = new V1ReplicaSetSpec
            {
                Replicas = 2,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
                Template = Template("web"),
            },
        }).Unwrap();

    /// <summary>An unbound pod (deleted at once, no kubelet needed).</summary>
    public V1Pod Pod(string name, params KubeObject[] owners) =>
        Kubectl.Create(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace(owners), OwnerReferences = References(owners) },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "web", Image = "nginx" }] },
        }).Unwrap();

    public V1ConfigMap ConfigMap(string name, string ns = "default", IList<V1OwnerReference>? owners = null) =>
        Kubectl.Create(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, OwnerReferences = owners } }).Unwrap();

    /// <summary>The reference a controller puts on what it creates (<c>NewControllerRef</c>).</summary>
    public static V1OwnerReference ControllerRef(KubeObject owner) => new()
    {
        ApiVersion = owner.ApiVersion,
        Kind = owner.Kind,
        Name = owner.Metadata.Name,
        Uid = owner.Metadata.Uid,
        Controller = true,
        BlockOwnerDeletion = true,
    };

    public void Delete<T>(string name, PropagationPolicy? policy, string ns = "default") where T : class, KubeObject =>
        Kubectl.Delete<T>(ns, name, new DeleteOptions { PropagationPolicy = policy }).Unwrap();

    public T? Find<T>(string name, string ns = "default") where T : class, KubeObject => Kubectl.Find<T>(ns, name);

    /// <summary>Names of the pods in <paramref name="ns"/>, in name order.</summary>
    public IReadOnlyList<string> PodNames(string ns = "default") => Kubectl.ListNow<V1Pod>(ns).Select(p => p.Metadata.Name).ToList();

    private static List<V1OwnerReference>? References(KubeObject[] owners) =>
        owners.Length == 0 ? null : owners.Select((o, i) => i == 0 ? ControllerRef(o) : new V1OwnerReference
        {
            ApiVersion = o.ApiVersion, Kind = o.Kind, Name = o.Metadata.Name, Uid = o.Metadata.Uid, BlockOwnerDeletion = true,
        }).ToList();

    private static string Namespace(KubeObject[] owners) =>
        owners.Select(o => o.Metadata.NamespaceProperty).FirstOrDefault(ns => !string.IsNullOrEmpty(ns)) ?? "default";

    private static V1PodTemplateSpec Template(string app) => new()
    {
        Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = app } },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "web", Image = "nginx" }] },
    };
}
