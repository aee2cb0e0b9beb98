using System.Diagnostics;
using k8s.Models;
using Sim.Controllers.Cluster;
using Sim.Core.Api;
using Sim.Core.Api.History;
using Sim.Core.Nodes;
using Sim.Core.Time;

namespace Sim.Benchmarks;

/// <summary>
/// A DaemonSet on N nodes from apply to every daemon pod Ready and available (the DaemonSet issue's budget: 1,000 nodes
/// in at most 2 s of wall), then a rolling update of its image (maxUnavailable 10%) to every pod updated:
/// <c>dotnet run -c Release --project benchmarks/Sim.Benchmarks -- daemonset [nodes]</c>.
/// </summary>
public static class DaemonSetRun
{
    public static void Run(string[] args)
    {
        var nodes = args.Length > 1 ? int.Parse(args[1]) : 1000;
        Console.WriteLine($"daemonset run: {nodes} nodes, one DaemonSet, history HashOnly, client rate limits off");
        var wall = Stopwatch.StartNew();
        var cluster = SimulatedCluster.Create(new ClusterOptions
        {
            Seed = 1,
            HistoryRetention = HistoryRetention.HashOnly,
            // The run measures the simulator's work: with kube-controller-manager's 20 QPS, 1,000 creates take 50 s of virtual time.
            ClientRateLimits = ClientRateLimits.Off,
            Nodes = Enumerable.Range(1, nodes).Select(i => new NodeSpec { Name = $"node-{i}" }).ToList(),
        });
        // Let every kubelet register and the controllers sync before the DaemonSet arrives.
        cluster.RunFor(SimDuration.FromSeconds(1));
        var built = wall.Elapsed;
        using var self = Process.GetCurrentProcess();
        var cpuBuilt = self.TotalProcessorTime;
        var kubectl = cluster.Client();
        kubectl.Create(DaemonSet("nginx:1.26")).Unwrap();
        var readyAt = RunUntil(cluster, nodes, "nginx:1.26", SimDuration.FromMinutes(10));
        var ready = wall.Elapsed;
        self.Refresh();
        var cpuReady = self.TotalProcessorTime;
        Console.WriteLine($"  all {nodes} daemon pods Ready and available at virtual +{readyAt}; wall {(ready - built).TotalSeconds:F2} s, CPU {(cpuReady - cpuBuilt).TotalSeconds:F2} s (cluster built {built.TotalSeconds:F2} s)");

        var ds = (V1DaemonSet)cluster.Api.Get(ResourceKinds.DaemonSet, "default", "agent").Unwrap();
        var updated = Sim.Core.Serialization.ModelCopy.Clone(ds);
        updated.Spec.Template.Spec.Containers[0].Image = "nginx:1.27";
        kubectl.Update(updated).Unwrap();
        var rolledAt = RunUntil(cluster, nodes, "nginx:1.27", SimDuration.FromHours(2));
        var rolled = wall.Elapsed;
        self.Refresh();
        Console.WriteLine($"  rolling update (maxUnavailable 10%) done +{rolledAt - readyAt} later; wall {(rolled - ready).TotalSeconds:F2} s, CPU {(self.TotalProcessorTime - cpuReady).TotalSeconds:F2} s");

        wall.Stop();
        Console.WriteLine($"  total wall {wall.Elapsed.TotalSeconds:F2} s; peak working set {self.PeakWorkingSet64 / (1024 * 1024)} MiB; allocated {GC.GetTotalAllocatedBytes() / (1024 * 1024)} MiB");
        Console.WriteLine($"  history entries {cluster.Api.History.Count}, loop steps {cluster.Loop.StepsRun}, hash {cluster.Api.History.Hash}");
    }

    // Looked at once a virtual second, from the DaemonSet's status (a read of one object): every pod of the image updated and available.
    private static SimDuration RunUntil(SimulatedCluster cluster, int nodes, string image, SimDuration timeout)
    {
        var deadline = cluster.Now + timeout;
        while (cluster.Now < deadline)
        {
            cluster.RunFor(SimDuration.FromSeconds(1));
            var ds = (V1DaemonSet)cluster.Api.Find(ResourceKinds.DaemonSet, "default", "agent")!;
            var s = ds.Status;
            if (ds.Spec.Template.Spec.Containers[0].Image == image && s.ObservedGeneration == ds.Metadata.Generation && s.DesiredNumberScheduled == nodes
                && s.UpdatedNumberScheduled == nodes && s.NumberAvailable == nodes && s.CurrentNumberScheduled == nodes)
                return cluster.Now - SimTime.DefaultStart;
        }
        throw new InvalidOperationException($"the DaemonSet did not reach {nodes} available pods of {image} within {timeout}");
    }

    private static V1DaemonSet DaemonSet(string image) => new()
    {
        Metadata = new V1ObjectMeta { Name = "agent", NamespaceProperty = "default" },
        Spec = new V1DaemonSetSpec
        {
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "agent" } },
            UpdateStrategy = new V1DaemonSetUpdateStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDaemonSet { MaxUnavailable = "10%" } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "agent" } },
                Spec = new V1PodSpec
                {
                    Containers =
                    [
                        new V1Container
                        {
                            Name = "agent",
                            Image = image,
                            Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("10m"), ["memory"] = new("16Mi") } },
                        },
                    ],
                },
            },
        },
    };
}
