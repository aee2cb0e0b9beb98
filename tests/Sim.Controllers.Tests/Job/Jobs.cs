using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Api;
using Sim.Controllers.Tests.Cluster;
using Sim.Controllers.Tests.Runtime;
using Sim.Core.Time;

namespace Sim.Controllers.Tests.Job;

/// <summary>Job manifests and what <c>kubectl get job</c>/<c>describe job</c> would show, for the Job tests.</summary>
internal static class Jobs
{
    /// <summary>A Job of one busybox container running <paramref name="command"/> (a shell line), with extra spec lines.</summary>
    public static string Yaml(string name, string command, string restartPolicy = "Never", string spec = "", string podAnnotations = "") => $$"""
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: {{name}}
        spec:
        {{Indent(spec, 2)}}
          template:
            metadata:
              annotations: {{{podAnnotations}}}
            spec:
              restartPolicy: {{restartPolicy}}
              containers:
              - name: c
                image: busybox
                command: ["sh", "-c", "{{command}}"]
        """;

    private static string Indent(string text, int spaces) =>
        string.Join("\n", text.Split('\n').Select(l => l.Length == 0 ? l : new string(' ', spaces) + l));

    public static V1Job Job(this TestCluster c, string name) => (V1Job)c.Api.Get(ResourceKinds.Job, "default", name).Unwrap();

    public static V1Job? FindJob(this TestCluster c, string name) => c.Api.Get(ResourceKinds.Job, "default", name).Value as V1Job;

    /// <summary>The Job's pods, by the label every Job pod carries.</summary>
    public static List<V1Pod> JobPods(this TestCluster c, string job) => c.Pods("batch.kubernetes.io/job-name=" + job);

    public static List<V1Pod> JobPods(this ControllerHarness h, string job) => h.Pods("batch.kubernetes.io/job-name=" + job);

    /// <summary>The condition types in status order, e.g. "SuccessCriteriaMet,Complete".</summary>
    public static string ConditionTypes(this V1Job job) => string.Join(",", (job.Status?.Conditions ?? []).Where(c => c.Status == "True").Select(c => c.Type));

    public static V1JobCondition Condition(this V1Job job, string type) => job.Status.Conditions.Single(c => c.Type == type);

    public static bool Has(this V1Job job, string type) => job.Status?.Conditions?.Any(c => c.Type == type && c.Status == "True") == true;

    /// <summary>Seconds since the cluster's start of a Kubernetes timestamp.</summary>
    public static double At(DateTime? time) => (SimTime.FromDateTime(time!.Value) - SimTime.DefaultStart).TotalSeconds;

    /// <summary>The Job's events of one reason, oldest first.</summary>
    public static List<Corev1Event> JobEvents(this TestCluster c, string reason) => c.Events(reason).Where(e => e.InvolvedObject.Kind == "Job").ToList();

    /// <summary>
    /// Counts, at every committed change of the Job's pods, how many are active (not finished, not being deleted):
    /// returns a function giving the most seen so far.
    /// </summary>
    public static Func<int> TrackMostActivePods(this TestCluster c, string job)
    {
        var active = new Dictionary<string, bool>(StringComparer.Ordinal);
        var most = 0;
        c.Api.Committed += change =>
        {
            if (change.Object is not V1Pod pod || pod.Metadata.Labels?.ValueOf("batch.kubernetes.io/job-name") != job) return;
            active[pod.Metadata.Name] = change.Type != k8s.WatchEventType.Deleted && PodState.IsActive(pod);
            most = Math.Max(most, active.Values.Count(a => a));
        };
        return () => most;
    }
}
