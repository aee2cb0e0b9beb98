using System.Diagnostics;
using k8s.Models;
using Sim.Controllers.Cluster;
using Sim.Core.Api;
using Sim.Core.Api.History;
using Sim.Core.Nodes;
using Sim.Core.Time;

namespace Sim.Benchmarks;

/// <summary>
/// The issue 4 scale run, outside BenchmarkDotNet (one long run, wall clock and peak memory):
/// N nodes, D Deployments x R replicas from apply to all Ready, then one pod of each Deployment deleted and replaced.
/// <c>dotnet run -c Release --project benchmarks/Sim.Benchmarks -- scale [nodes] [deployments] [replicas]</c>
/// </summary>
public static class ScaleRun
{
    public static void Run(string[] args)
    {
        var nodes = args.Length > 1 ? int.Parse(args[1]) : 1000;
        var deployments = args.Length > 2 ? int.Parse(args[2]) : 300;
        var replicas = args.Length > 3 ? int.Parse(args[3]) : 100;
        var latency = args.Length > 4 ? SimDuration.FromMilliseconds(long.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture)) : SimDuration.Zero;
        var limits = args.Length > 5 && args[5] == "limits" ? ClientRateLimits.Defaults : ClientRateLimits.Off;
        var total = deployments * replicas;
        Console.WriteLine($"scale run: {nodes} nodes, {deployments} Deployments x {replicas} replicas = {total} pods, history HashOnly, " +
                          $"network latency {latency}, client rate limits {(limits == ClientRateLimits.Off ? "off" : "on")}");

        var wall = Stopwatch.StartNew();
        var cluster = SimulatedCluster.Create(new ClusterOptions
        {
            Seed = 1,
            HistoryRetention = HistoryRetention.HashOnly,
            // The run measures the simulator's work: with kube-controller-manager's 20 QPS, 30,000 pods take 50 minutes.
            ClientRateLimits = limits,
            Network = new Sim.Core.Network.NetworkOptions { Latency = latency },
            Nodes = Enumerable.Range(1, nodes).Select(i => new NodeSpec { Name = $"node-{i}", Cpu = "8", Memory = "32Gi" }).ToList(),
        });
        var built = wall.Elapsed;
        var kubectl = cluster.Client();
        for (var d = 0; d < deployments; d++) kubectl.Create(Deployment($"app-{d:D3}", replicas)).Unwrap();
        var applied = wall.Elapsed;

        // With the real client limits the ReplicaSet controller creates 20 pods a second, as kube-controller-manager
        // does by default: 30,000 pods take ~25 virtual minutes.
        var readyAt = RunUntilReady(cluster, total, limits == ClientRateLimits.Off ? SimDuration.FromMinutes(10) : SimDuration.FromHours(2));
        var ready = wall.Elapsed;
        Console.WriteLine($"  all {total} pods Ready at virtual +{readyAt}; wall {ready.TotalSeconds:F2} s (cluster built {built.TotalSeconds:F2} s, applied {(applied - built).TotalSeconds:F2} s)");

        var before = wall.Elapsed;
        var start = cluster.Now;
        // One pod of each Deployment: the first by name of each app label, from one LIST.
        var victims = kubectl.ListNow<V1Pod>("default").GroupBy(p => p.Metadata.Labels["app"]).Select(g => g.First().Metadata.Name).ToList();
        foreach (var victim in victims) kubectl.Delete<V1Pod>("default", victim).Unwrap();
        var healedAt = RunUntilReady(cluster, total, SimDuration.FromMinutes(5), requireExactly: true);
        var healed = wall.Elapsed - before;
        Console.WriteLine($"  {deployments} pods deleted and replaced, all Ready again +{healedAt - (start - SimTime.DefaultStart)} later; wall {healed.TotalSeconds:F2} s");

        if (args.Length > 6 && int.TryParse(args[6], out var crashes) && crashes > 0) CrashNodes(cluster, crashes, total, wall);

        wall.Stop();
        using var self = Process.GetCurrentProcess();
        Console.WriteLine($"  total wall {wall.Elapsed.TotalSeconds:F2} s; peak working set {self.PeakWorkingSet64 / (1024 * 1024)} MiB; " +
                          $"allocated {GC.GetTotalAllocatedBytes() / (1024 * 1024)} MiB; GC gen0/1/2 {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, pause {GC.GetTotalPauseDuration().TotalSeconds:F2} s");
        Console.WriteLine($"  JIT: {System.Runtime.JitInfo.GetCompiledMethodCount()} methods, {System.Runtime.JitInfo.GetCompilationTime().TotalSeconds:F2} s");
        Console.WriteLine($"  kubelet pod informers listed {cluster.Kubelets.Sum(k => k.Pods?.Lists ?? 0)} times ({cluster.Kubelets.Count} kubelets)");
        Console.WriteLine($"  history entries {cluster.Api.History.Count}, loop steps {cluster.Loop.StepsRun}, hash {cluster.Api.History.Hash}");
    }

    // Issue 9's fault run: the first N nodes crash at once; timed until every pod they held runs Ready elsewhere.
    private static void CrashNodes(SimulatedCluster cluster, int count, int total, Stopwatch wall)
    {
        var before = wall.Elapsed;
        var start = cluster.Now;
        var crashed = Enumerable.Range(1, count).Select(i => $"node-{i}").ToHashSet();
        foreach (var node in crashed) cluster.CrashNode(node);
        var deadline = cluster.Now + SimDuration.FromHours(1);
        while (cluster.Now < deadline)
        {
            // Looked at once a minute: the look lists every pod, and is the benchmark's cost, not the simulation's.
            cluster.RunFor(SimDuration.FromMinutes(1));
            var elsewhere = cluster.Api.List(ResourceKinds.Pod, "default").Value!.Items.Cast<V1Pod>()
                .Count(p => !crashed.Contains(p.Spec.NodeName ?? "") && Conditions.IsPodReady(p) && p.Metadata.DeletionTimestamp is null);
            if (elsewhere >= total) break;
        }
        Console.WriteLine($"  {count} nodes crashed: every evicted pod Ready elsewhere +{cluster.Now - start} later; wall {(wall.Elapsed - before).TotalSeconds:F2} s");
    }

    private static SimDuration RunUntilReady(SimulatedCluster cluster, int expected, SimDuration timeout, bool requireExactly = false)
    {
        var deadline = cluster.Now + timeout;
        while (cluster.Now < deadline)
        {
            cluster.RunFor(SimDuration.FromSeconds(1));
            var pods = cluster.Api.List(ResourceKinds.Pod, "default").Value!.Items;
            var ready = pods.Count(p => Conditions.IsPodReady((V1Pod)p));
            if (ready >= expected && (!requireExactly || pods.Count == expected)) return cluster.Now - SimTime.DefaultStart;
        }
        throw new InvalidOperationException($"not all {expected} pods were Ready within {timeout}");
    }

    private static V1Deployment Deployment(string name, int replicas) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec
                {
                    Containers =
                    [
                        new V1Container
                        {
                            Name = "web",
                            Image = "nginx:1.27",
                            Resources = new V1ResourceRequirements
                            {
                                Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("10m"), ["memory"] = new("16Mi") },
                            },
                        },
                    ],
                },
            },
        },
    };
}
