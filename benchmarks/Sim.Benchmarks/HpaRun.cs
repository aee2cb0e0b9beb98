using System.Diagnostics;
using Sim.Controllers.Cluster;
using Sim.Core.Api;
using Sim.Core.Api.History;
using Sim.Core.Manifests;
using Sim.Core.Nodes;
using Sim.Core.Time;

namespace Sim.Benchmarks;

/// <summary>
/// An HPA-driven Deployment swinging between 2 and 100 replicas for a day: the load changes every 5 minutes (a high
/// figure, then three low ones, over and over), so each 20-minute cycle scales up to the maximum within two minutes
/// and back to the minimum once the 300 s window has passed (issue budget: 50 nodes, 24 h, at most 10 s wall).
/// <c>dotnet run -c Release --project benchmarks/Sim.Benchmarks -- hpa [nodes] [hours] [flat]</c>; <c>flat</c> keeps the load
/// low throughout (the HPA syncs, the metrics reads and the idle nodes, without the pods coming and going).
/// </summary>
public static class HpaRun
{
    // 6 cores over at most 100 pods requesting 100m is 60 % of request (target 50 %): the HPA wants more than 100.
    private static readonly long[] CycleMilli = [6_000, 40, 50, 30];

    public static void Run(string[] args)
    {
        var nodes = args.Length > 1 ? int.Parse(args[1]) : 50;
        var hours = args.Length > 2 ? int.Parse(args[2]) : 24;
        var flat = args.Length > 3 && args[3] == "flat";
        Console.WriteLine($"hpa run: {nodes} nodes, {hours} h, HPA 2..100 on one Deployment, load changing every 5 min ({string.Join(", ", CycleMilli.Select(m => m + "m"))}), history HashOnly");
        var wall = Stopwatch.StartNew();
        var cluster = SimulatedCluster.Create(new ClusterOptions
        {
            Seed = 1,
            HistoryRetention = HistoryRetention.HashOnly,
            Nodes = Enumerable.Range(1, nodes).Select(i => new NodeSpec { Name = $"node-{i}" }).ToList(),
        });
        foreach (var yaml in new[] { Deployment, Autoscaler })
            cluster.Api.Create(ManifestLoader.LoadText(yaml, "hpa-run.yaml").Documents.Single().Object).Unwrap();
        var built = wall.Elapsed;

        int min = int.MaxValue, max = 0, swings = 0;
        var wasHigh = false;
        var steps = hours * 12;
        for (var step = 0; step < steps; step++)
        {
            var cpu = flat ? CycleMilli[1 + step % 3] : CycleMilli[step % CycleMilli.Length];
            if (cluster.SetLoad(ResourceKinds.Deployment, "default", "web", cpu, null) is { } refused) throw new InvalidOperationException(refused.Message);
            // Looked at once a minute, outside the simulation's work.
            for (var minute = 0; minute < 5; minute++)
            {
                cluster.RunFor(SimDuration.FromMinutes(1));
                var replicas = ((k8s.Models.V1Deployment)cluster.Api.Find(ResourceKinds.Deployment, "default", "web")!).Spec.Replicas ?? 0;
                min = Math.Min(min, replicas);
                max = Math.Max(max, replicas);
                if (replicas == 100 && !wasHigh) swings++;
                if (replicas == 100) wasHigh = true;
                if (replicas == 2) wasHigh = false;
            }
        }
        wall.Stop();
        using var self = Process.GetCurrentProcess();
        var rescales = cluster.Api.List(ResourceKinds.Event, "default").Value!.Items.Cast<k8s.Models.Corev1Event>().Where(e => e.Reason == "SuccessfulRescale").Sum(e => e.Count ?? 1);
        Console.WriteLine($"  wall {wall.Elapsed.TotalSeconds:F2} s (built {built.TotalSeconds:F2} s), CPU {self.TotalProcessorTime.TotalSeconds:F2} s; replicas seen {min}..{max}, {swings} swings up to 100, {rescales} rescales");
        Console.WriteLine($"  history entries {cluster.Api.History.Count}, loop steps {cluster.Loop.StepsRun}; peak working set {self.PeakWorkingSet64 / (1024 * 1024)} MiB; " +
                          $"allocated {GC.GetTotalAllocatedBytes() / (1024 * 1024)} MiB; hash {cluster.Api.History.Hash}");
    }

    private const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - name: web
                image: nginx:1.27
                resources: {requests: {cpu: 100m, memory: 16Mi}}
        """;

    private const string Autoscaler = """
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: web}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
          minReplicas: 2
          maxReplicas: 100
          metrics:
          - {type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}}
        """;
}
