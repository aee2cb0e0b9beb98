using k8s.Models;
using Sim.Controllers.Tests.Cluster;
using Sim.Core.Api;
using Sim.Core.Serialization;

namespace Sim.Controllers.Tests.PodAutoscaler;

/// <summary>A whole cluster with helpers for HPA tests: manifests, load, and what kubectl describe hpa would show.</summary>
internal sealed class HpaCluster
{
    public HpaCluster(int nodes = 3) => Cluster = new TestCluster(nodes);

    public TestCluster Cluster { get; }

    public double Seconds => Cluster.Elapsed.TotalSeconds;

    public void For(double seconds) => Cluster.For(seconds);

    public void Until(Func<bool> condition, double timeoutSeconds = 120) => Cluster.Until(condition, timeoutSeconds);

    public KubeObject Apply(string yaml) => Cluster.Apply(yaml);

    /// <summary>Sends the Deployment a total CPU demand.</summary>
    public void Load(string deployment, long cpuMilli, long? memoryBytes = null) =>
        Assert.Null(Cluster.Sim.SetLoad(ResourceKinds.Deployment, "default", deployment, cpuMilli, memoryBytes));

    public V2HorizontalPodAutoscaler Hpa(string name = "web") =>
        (V2HorizontalPodAutoscaler)Cluster.Api.Get(ResourceKinds.HorizontalPodAutoscaler, "default", name).Unwrap();

    public V2HorizontalPodAutoscalerCondition? Condition(string type, string hpa = "web") => Hpa(hpa).Status?.Conditions?.FirstOrDefault(c => c.Type == type);

    public int Replicas(string deployment = "web") => Cluster.Deployment(deployment).Spec.Replicas ?? 0;

    /// <summary>The HPA's events of a reason, oldest first.</summary>
    public List<Corev1Event> Events(string reason, string hpa = "web") =>
        Cluster.Events(reason).Where(e => e.InvolvedObject.Kind == "HorizontalPodAutoscaler" && e.InvolvedObject.Name == hpa).ToList();

    /// <summary>The new sizes of the HPA's SuccessfulRescale events, in order.</summary>
    public List<int> Rescales(string hpa = "web") =>
        Events("SuccessfulRescale", hpa).Select(e => int.Parse(e.Message["New size: ".Length..e.Message.IndexOf(';')], System.Globalization.CultureInfo.InvariantCulture)).ToList();

    /// <summary>Runs <paramref name="seconds"/> in 1 s steps, calling <paramref name="check"/> after each (invariants during the run).</summary>
    public void Watch(double seconds, Action check)
    {
        for (var i = 0; i < seconds; i++)
        {
            Cluster.For(1);
            check();
        }
    }

    public static string Deployment(string name = "web", int replicas = 1, string resources = "requests: {cpu: 100m}", string extraContainers = "") => $$$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: {{{name}}}}
        spec:
          replicas: {{{replicas}}}
          selector: {matchLabels: {app: {{{name}}}}}
          template:
            metadata: {labels: {app: {{{name}}}}}
            spec:
              containers:
              - name: {{{name}}}
                image: nginx:1.27
                resources: {{{{resources}}}}
        {{{extraContainers}}}
        """;

    public static string Cpu(int target) => $"- {{type: Resource, resource: {{name: cpu, target: {{type: Utilization, averageUtilization: {target}}}}}}}";

    public static string Autoscaler(string name = "web", int min = 1, int max = 10, int target = 50, string behavior = "", string scaleTarget = "", string metrics = "") => $$$"""
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: {{{name}}}}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: {{{(scaleTarget.Length > 0 ? scaleTarget : name)}}}}
          minReplicas: {{{min}}}
          maxReplicas: {{{max}}}
          metrics:
          {{{(metrics.Length > 0 ? metrics : Cpu(target))}}}
          {{{behavior}}}
        """;
}
