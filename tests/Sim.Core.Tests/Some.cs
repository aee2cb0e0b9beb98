using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Api.History;
using Sim.Core.Kernel;
using Sim.Core.Time;

namespace Sim.Core.Tests;

/// <summary>Builders for test inputs, in the spirit of Serilog's <c>Some</c>.</summary>
internal static class Some
{
    public static ApiServer Server(ulong seed = 1, HistoryRetention retention = HistoryRetention.Full)
    {
        var loop = new EventLoop(SimTime.DefaultStart);
        return new ApiServer(loop, new SimRandom(seed), new ApiServerOptions { HistoryRetention = retention });
    }

    public static V1Pod Pod(string name = "web", string? ns = null, IDictionary<string, string>? labels = null, string image = "nginx") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = image }] },
    };

    public static V1Deployment Deployment(string name = "nginx", int replicas = 3, string app = "nginx") => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = app } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = app } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "nginx", Image = "nginx" }] },
            },
        },
    };

    public static Dictionary<string, string> Labels(params string[] pairs) =>
        pairs.Select(p => p.Split('=')).ToDictionary(kv => kv[0], kv => kv[1]);

    /// <summary>The repository root (the folder holding Simulator.sln).</summary>
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Simulator.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new DirectoryNotFoundException("Simulator.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The seed manifests (verbatim copies of ../shared/seed/manifests kept in scenarios/manifests).</summary>
    public static string SeedManifestDirectory => Path.Combine(RepoRoot, "scenarios", "manifests");

    /// <summary>The seed one-pager's manifest names.</summary>
    public static readonly string[] SeedManifests =
        ["nginx-deploy.yml", "nginx-pod.yaml", "nginx-scaler.yml", "sleep-cronjob.yml", "sleep-job.yml", "sleep-set.yaml"];
}
