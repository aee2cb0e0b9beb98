using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Api;
using Sim.Core.Kernel;
using Sim.Core.Manifests;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Controllers.Tests.Runtime;

/// <summary>
/// Controllers over a bare API server: no scheduler, no kubelets, no other controller. A test plays those parts by
/// hand, as upstream's controller unit tests do with a fake clientset: it binds pods, sets their phases and
/// conditions, and asserts what the controller under test wrote. Build with the controllers to run, e.g.
/// <c>new ControllerHarness(ctx => new JobController(ctx))</c>.
/// </summary>
internal sealed class ControllerHarness
{
    private readonly InformerFactory _informers;

    /// <param name="controllers">Registers the controllers under test on the shared context (their handlers on its informers).</param>
    /// <param name="seed">The root seed.</param>
    /// <param name="start">Start the informers at once; otherwise call <see cref="Start"/> (controllers coming up late).</param>
    public ControllerHarness(Action<ControllerContext> controllers, ulong seed = 1, bool start = true)
    {
        Loop = new EventLoop(SimTime.DefaultStart);
        var random = new SimRandom(seed);
        Api = new ApiServer(Loop, random.Fork("apiserver"));
        Kubectl = Api.ClientFor("kubectl");
        var client = Api.ClientFor("kube-controller-manager");
        _informers = new InformerFactory(client, Loop, random.Fork("informers"));
        Context = new ControllerContext(Loop, client, _informers, random.Fork("kube-controller-manager"));
        controllers(Context);
        if (start) Start();
    }

    public EventLoop Loop { get; }

    public ApiServer Api { get; }

    /// <summary>A user's client: its calls complete at once.</summary>
    public ApiClient Kubectl { get; }

    /// <summary>The context the controllers were built on.</summary>
    public ControllerContext Context { get; }

    public SimDuration Elapsed => Loop.Now - SimTime.DefaultStart;

    public void Start() => _informers.Start();

    /// <summary>Runs the loop for <paramref name="seconds"/> of virtual time.</summary>
    public void For(double seconds) => Loop.RunFor(SimDuration.FromSeconds(seconds));

    /// <summary>Runs until <paramref name="condition"/> holds (failing the test if it does not within the timeout); returns the seconds since the start.</summary>
    public double Until(Func<bool> condition, double timeoutSeconds = 120)
    {
        Loop.RunUntil(condition, Loop.Now + SimDuration.FromSeconds(timeoutSeconds));
        Assert.True(condition(), $"condition not met within {timeoutSeconds}s (at {Elapsed})");
        return Elapsed.TotalSeconds;
    }

    /// <summary>Creates the one object of a YAML manifest, defaulted and validated by the API server.</summary>
    public T Apply<T>(string yaml) where T : class, KubeObject
    {
        var loaded = ManifestLoader.LoadText(yaml, "inline.yaml");
        Assert.Empty(loaded.Errors);
        return (T)Api.Create(loaded.Documents.Single().Object).Unwrap();
    }

    public T Create<T>(T obj) where T : class, KubeObject => Kubectl.Create(obj).Unwrap();

    public T? Find<T>(string name, string ns = "default") where T : class, KubeObject => Kubectl.Find<T>(ns, name);

    public T Get<T>(string name, string ns = "default") where T : class, KubeObject =>
        Kubectl.Find<T>(ns, name) ?? throw new InvalidOperationException($"{typeof(T).Name} {ns}/{name} not found");

    /// <summary>The pods of <paramref name="ns"/> (matching <paramref name="selector"/>), in name order.</summary>
    public List<V1Pod> Pods(string? selector = null, string ns = "default") => Kubectl.ListNow<V1Pod>(ns, selector).ToList();

    /// <summary>Events, oldest first, optionally of one reason.</summary>
    public List<Corev1Event> Events(string? reason = null) =>
        Kubectl.ListNow<Corev1Event>().Where(e => reason is null || e.Reason == reason)
            .OrderBy(e => e.FirstTimestamp).ThenBy(e => e.Metadata.Name, StringComparer.Ordinal).ToList();

    /// <summary>As the scheduler would: binds a pod to a node (the node need not exist).</summary>
    public V1Pod Bind(V1Pod pod, string node) => Kubectl.Bind(pod.Metadata.NamespaceProperty ?? "default", pod.Metadata.Name, node).Unwrap();

    /// <summary>
    /// As a kubelet would: writes the pod's status with <paramref name="phase"/>, Ready as given, and its containers
    /// running or terminated with <paramref name="exitCode"/> (for Succeeded and Failed) at the current time.
    /// </summary>
    public V1Pod SetPhase(V1Pod pod, string phase, bool ready = false, int? exitCode = null, int restarts = 0)
    {
        var current = Get<V1Pod>(pod.Metadata.Name, pod.Metadata.NamespaceProperty ?? "default");
        var copy = ModelCopy.Clone(current);
        var now = Loop.Now.ToKubeTime();
        var terminal = phase is "Succeeded" or "Failed";
        copy.Status ??= new V1PodStatus();
        copy.Status.Phase = phase;
        copy.Status.StartTime ??= now;
        copy.Status.Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False", LastTransitionTime = now }];
        copy.Status.ContainerStatuses = copy.Spec.Containers.Select(c => new V1ContainerStatus
        {
            Name = c.Name,
            Image = c.Image,
            ImageID = "",
            Ready = ready,
            RestartCount = restarts,
            State = terminal
                ? new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = exitCode ?? (phase == "Succeeded" ? 0 : 1), StartedAt = now, FinishedAt = now, Reason = phase == "Succeeded" ? "Completed" : "Error" } }
                : phase == "Running" ? new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = now } }
                : new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "ContainerCreating" } },
        }).ToList();
        return Kubectl.UpdateStatus(copy).Unwrap();
    }

    /// <summary>As a kubelet finishing a graceful delete would: removes a terminating pod whose finalizers are gone.</summary>
    public void ForceDelete(V1Pod pod) =>
        Kubectl.Delete<V1Pod>(pod.Metadata.NamespaceProperty ?? "default", pod.Metadata.Name, new DeleteOptions { GracePeriodSeconds = 0 }).Completed();
}
