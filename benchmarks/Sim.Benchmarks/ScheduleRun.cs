using System.Diagnostics;
using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Controllers.Scheduler;
using Sim.Core.Api;
using Sim.Core.Api.History;
using Sim.Core.Kernel;
using Sim.Core.Time;

namespace Sim.Benchmarks;

/// <summary>
/// The scheduler alone, outside BenchmarkDotNet: a bare API server, N nodes, R ReplicaSets x P replicas created at
/// before the scheduler starts (no controller, no kubelet), timed from the scheduler's start until every pod is bound. Its CPU time is
/// the scheduler's and the API server's writes only, so a change to the scheduling path shows through the noise of
/// the whole scale run. <c>dotnet run -c Release --project benchmarks/Sim.Benchmarks -- schedule [nodes] [replicaSets] [replicas]</c>
/// </summary>
public static class ScheduleRun
{
    public static void Run(string[] args)
    {
        var nodes = args.Length > 1 ? int.Parse(args[1]) : 1000;
        var sets = args.Length > 2 ? int.Parse(args[2]) : 100;
        var replicas = args.Length > 3 ? int.Parse(args[3]) : 100;
        var loop = new EventLoop(SimTime.DefaultStart);
        var api = new ApiServer(loop, new SimRandom(1), new ApiServerOptions { HistoryRetention = HistoryRetention.HashOnly });
        var client = api.ClientFor("kube-scheduler");
        var user = api.ClientFor("kubectl");
        for (var i = 1; i <= nodes; i++) user.Create(Node($"node-{i}", $"zone-{i % 3}")).Unwrap();
        for (var s = 0; s < sets; s++)
        {
            var rs = user.Create(ReplicaSet($"app-{s:D3}")).Unwrap();
            for (var r = 0; r < replicas; r++) user.Create(Pod(rs, $"app-{s:D3}-{r:D3}")).Unwrap();
        }
        loop.RunFor(SimDuration.Zero);

        // Everything exists before the scheduler starts: its informers' first lists bring it in.
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        using var self = Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var context = new ControllerContext(loop, client, new InformerFactory(client, loop, new SimRandom(1)), new SimRandom(1).Fork("kube-scheduler"));
        var scheduler = new DefaultScheduler(context);
        context.Informers.Start();
        while (scheduler.PendingPods > 0) loop.RunFor(SimDuration.FromSeconds(1L));
        wall.Stop();
        self.Refresh();
        Console.WriteLine($"schedule run: {nodes} nodes, {sets * replicas} pods bound in virtual +{loop.Now - SimTime.DefaultStart}; " +
                          $"wall {wall.Elapsed.TotalSeconds:F2} s, CPU {(self.TotalProcessorTime - cpu).TotalSeconds:F2} s, " +
                          $"allocated {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / (1024 * 1024)} MiB");
        Console.WriteLine($"  history entries {api.History.Count}, hash {api.History.Hash}");
    }

    private static V1Node Node(string name, string zone)
    {
        var resources = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("8"), ["memory"] = new("32Gi"), ["pods"] = new("110") };
        return new V1Node
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = name, ["topology.kubernetes.io/zone"] = zone } },
            Spec = new V1NodeSpec(),
            Status = new V1NodeStatus
            {
                Capacity = resources,
                Allocatable = new Dictionary<string, ResourceQuantity>(resources),
                Conditions = [new V1NodeCondition { Type = "Ready", Status = "True", Reason = "KubeletReady" }],
            },
        };
    }

    private static V1ReplicaSet ReplicaSet(string name)
    {
        var labels = new Dictionary<string, string> { ["app"] = name };
        return new V1ReplicaSet
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
            Spec = new V1ReplicaSetSpec
            {
                Replicas = 0,
                Selector = new V1LabelSelector { MatchLabels = labels },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "nginx:1.27" }] },
                },
            },
        };
    }

    private static V1Pod Pod(V1ReplicaSet rs, string name) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = "default",
            Labels = new Dictionary<string, string>(rs.Spec.Selector.MatchLabels),
            OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = rs.Metadata.Name, Uid = rs.Metadata.Uid, Controller = true, BlockOwnerDeletion = true }],
        },
        Spec = new V1PodSpec
        {
            Containers =
            [
                new V1Container
                {
                    Name = "app",
                    Image = "nginx:1.27",
                    Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("10m"), ["memory"] = new("16Mi") } },
                },
            ],
        },
    };
}
