using k8s.Models;
using Sim.Controllers.Cluster;
using Sim.Core.Api;
using Sim.Core.Manifests;
using Sim.Core.Nodes;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Controllers.Tests.Cluster;

/// <summary>A running cluster for tests, with helpers to apply manifests and read what kubectl would show.</summary>
internal sealed class TestCluster
{
    public TestCluster(int nodes = 3, ulong seed = 1, string cpu = "4", string memory = "8Gi")
        : this(Enumerable.Range(1, nodes).Select(i => new NodeSpec { Name = "node-" + i, Cpu = cpu, Memory = memory }).ToList(), seed)
    {
    }

    public TestCluster(IReadOnlyList<NodeSpec> nodes, ulong seed = 1)
    {
        Sim = SimulatedCluster.Create(new ClusterOptions
        {
            Seed = seed,
            // Controller tests look at the algorithms; client-side rate limits are tested on their own.
            ClientRateLimits = ClientRateLimits.Off,
            Nodes = nodes,
        });
    }

    public SimulatedCluster Sim { get; }

    public ApiServer Api => Sim.Api;

    public SimDuration Elapsed => Sim.Now - SimTime.DefaultStart;

    public static string SeedManifest(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Simulator.sln"))) dir = dir.Parent;
        return Path.Combine(dir!.FullName, "scenarios", "manifests", name);
    }

    public KubeObject ApplyFile(string path)
    {
        var doc = ManifestLoader.LoadFile(path).Documents.Single();
        return Api.Create(doc.Object).Unwrap();
    }

    public KubeObject Apply(string yaml)
    {
        var loaded = ManifestLoader.LoadText(yaml, "inline.yaml");
        Assert.Empty(loaded.Errors);
        return Api.Create(loaded.Documents.Single().Object).Unwrap();
    }

    public void For(double seconds) => Sim.RunFor(SimDuration.FromSeconds(seconds));

    public void Until(Func<bool> condition, double timeoutSeconds = 120)
    {
        Sim.RunUntil(condition, SimDuration.FromSeconds(timeoutSeconds));
        Assert.True(condition(), $"condition not met within {timeoutSeconds}s (at {Elapsed})");
    }

    public List<V1Pod> Pods(string? selector = null) =>
        Api.List(ResourceKinds.Pod, "default", new ListOptions { LabelSelector = selector }).Value!.Items.Cast<V1Pod>().ToList();

    public List<V1Pod> ActivePods(string selector) => Pods(selector).Where(p => p.Metadata.DeletionTimestamp is null && p.Status?.Phase is not ("Succeeded" or "Failed")).ToList();

    public List<V1Pod> ReadyPods(string selector) => Pods(selector).Where(Conditions.IsPodReady).ToList();

    public List<V1ReplicaSet> ReplicaSets() =>
        Api.List(ResourceKinds.ReplicaSet, "default").Value!.Items.Cast<V1ReplicaSet>().OrderBy(r => r.Metadata.CreationTimestamp).ThenBy(r => r.Metadata.Name).ToList();

    public V1Deployment Deployment(string name = "nginx") => (V1Deployment)Api.Get(ResourceKinds.Deployment, "default", name).Unwrap();

    public V1Node Node(string name) => (V1Node)Api.Get(ResourceKinds.Node, null, name).Unwrap();

    public List<V1Node> Nodes() => Api.List(ResourceKinds.Node, null).Value!.Items.Cast<V1Node>().ToList();

    public V1Lease Lease(string node) => (V1Lease)Api.Get(ResourceKinds.Lease, "kube-node-lease", node).Unwrap();

    public V1Pod? Pod(string name) => Api.Get(ResourceKinds.Pod, "default", name).Value as V1Pod;

    /// <summary>Every version of the pods named <paramref name="names"/> committed from now on, in order (deletions included).</summary>
    public List<V1Pod> RecordPodVersions(IEnumerable<string> names)
    {
        var wanted = names.ToHashSet(StringComparer.Ordinal);
        var versions = new List<V1Pod>();
        Api.Committed += change =>
        {
            if (change.Object is V1Pod pod && wanted.Contains(pod.Metadata.Name)) versions.Add(pod);
        };
        return versions;
    }

    /// <summary>Runs until <paramref name="condition"/> holds and returns when it first did (seconds since the start).</summary>
    public double When(Func<bool> condition, double timeoutSeconds)
    {
        Until(condition, timeoutSeconds);
        return Elapsed.TotalSeconds;
    }

    public List<Corev1Event> Events(string? reason = null) =>
        Api.List(ResourceKinds.Event, null).Value!.Items.Cast<Corev1Event>()
            .Where(e => reason is null || e.Reason == reason)
            .OrderBy(e => e.FirstTimestamp).ThenBy(e => e.Metadata.Name, StringComparer.Ordinal).ToList();

    public void SetImage(string deployment, string image)
    {
        var d = ModelCopy.Clone(Deployment(deployment));
        d.Spec.Template.Spec.Containers[0].Image = image;
        Api.Update(d).Unwrap();
    }

    public void Scale(string deployment, int replicas) => Api.UpdateScale(ResourceKinds.Deployment, "default", deployment, replicas).Unwrap();

    public static string DeploymentYaml(string name = "nginx", int replicas = 3, string image = "nginx:1.26", string strategy = "", int? historyLimit = null) => $$$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{{name}}}
        spec:
          replicas: {{{replicas}}}
          {{{(historyLimit is { } h ? $"revisionHistoryLimit: {h}" : "")}}}
          {{{strategy}}}
          selector:
            matchLabels: {app: {{{name}}}}
          template:
            metadata:
              labels: {app: {{{name}}}}
            spec:
              containers:
              - name: {{{name}}}
                image: {{{image}}}
                resources: {requests: {cpu: 100m}}
        """;
}
