using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Kernel;
using Sim.Core.Nodes;
using Sim.Core.Time;

namespace Sim.Core.Tests.Nodes;

/// <summary>One simulated node (API server, loop and kubelet) for kubelet tests.</summary>
internal sealed class TestNode
{
    public TestNode(ulong seed = 1, string cpu = "4", string memory = "8Gi", int maxPods = 110)
    {
        Loop = new EventLoop(SimTime.DefaultStart);
        var random = new SimRandom(seed);
        Api = new ApiServer(Loop, random.Fork("api"));
        Kubelet = new Kubelet(new NodeSpec { Name = "node-1", Cpu = cpu, Memory = memory, MaxPods = maxPods }, 0, Api.ClientFor("kubelet/node-1"), Loop, random.Fork("kubelet"));
        Kubelet.Start();
    }

    public EventLoop Loop { get; }
    public ApiServer Api { get; }
    public Kubelet Kubelet { get; }

    public V1Pod Run(V1Pod pod)
    {
        pod.Spec.NodeName = "node-1";
        return (V1Pod)Api.Create(pod).Unwrap();
    }

    public V1Pod? Pod(string name) => (V1Pod?)Api.Find(ResourceKinds.Pod, "default", name);

    public List<Corev1Event> Events(string name) => Api.List(ResourceKinds.Event, "default", new ListOptions { FieldSelector = "involvedObject.name=" + name })
        .Value!.Items.Cast<Corev1Event>().OrderBy(e => e.FirstTimestamp).ThenBy(e => e.Metadata.Name, StringComparer.Ordinal).ToList();

    public void For(double seconds) => Loop.RunFor(SimDuration.FromSeconds(seconds));

    public static V1Pod PodRunning(string name, string image, string restartPolicy = "Always", params string[] command) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec
        {
            RestartPolicy = restartPolicy,
            Containers = [new V1Container { Name = "main", Image = image, Command = command.Length == 0 ? null : command }],
        },
    };
}
