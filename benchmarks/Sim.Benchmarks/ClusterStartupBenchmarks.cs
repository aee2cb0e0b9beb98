using BenchmarkDotNet.Attributes;
using k8s.Models;
using Sim.Controllers.Cluster;
using Sim.Core.Api;
using Sim.Core.Api.History;
using Sim.Core.Time;

namespace Sim.Benchmarks;

/// <summary>
/// A new 3-node cluster plus a 3-replica Deployment, from nothing to three Ready replicas (issue 4's "warm process"
/// figure): builds the cluster, applies the Deployment and runs the loop until the Deployment reports 3 ready.
/// </summary>
[ShortRunJob]
[MemoryDiagnoser]
public class ClusterStartupBenchmarks
{
    [Params(HistoryRetention.HashOnly, HistoryRetention.Full)]
    public HistoryRetention Retention { get; set; }

    [Benchmark]
    public int ThreeNodesThreeReplicasToReady()
    {
        var cluster = SimulatedCluster.Create(new ClusterOptions { Nodes = ClusterOptions.ThreeNodes, HistoryRetention = Retention });
        cluster.Client().Create(Deployment()).Unwrap();
        cluster.RunUntil(() => (cluster.Api.Find(ResourceKinds.Deployment, "default", "nginx") as V1Deployment)?.Status?.ReadyReplicas == 3,
            SimDuration.FromMinutes(2));
        return (int)cluster.Api.History.Count;
    }

    private static V1Deployment Deployment() => new()
    {
        Metadata = new V1ObjectMeta { Name = "nginx" },
        Spec = new V1DeploymentSpec
        {
            Replicas = 3,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "nginx" } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "nginx" } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "nginx", Image = "nginx" }] },
            },
        },
    };
}
