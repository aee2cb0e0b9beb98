using System.Globalization;
using k8s.Models;
using Sim.Controllers.CronJob;
using Sim.Controllers.Tests.Runtime;
using Sim.Core.Api;
using Sim.Core.Manifests;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Controllers.Tests.CronJob;

/// <summary>
/// The CronJob controller alone over a bare API server, from 2025-01-01T00:00:00Z. The test plays the Job controller:
/// it finishes Jobs by writing their status (startTime, conditions, completionTime), as kubectl would then show them.
/// </summary>
internal sealed class CronJobWorld
{
    /// <param name="start">Start the informers at once; otherwise the controller comes up when the test calls <c>H.Start()</c>.</param>
    public CronJobWorld(bool start = true) => H = new ControllerHarness(ctx => _ = new CronJobController(ctx), start: start);

    public ControllerHarness H { get; }

    public SimTime Now => H.Loop.Now;

    public static SimTime At(string rfc3339) =>
        SimTime.FromDateTime(DateTime.Parse(rfc3339, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal));

    /// <summary>Creates a CronJob named <paramref name="name"/> running busybox, with more spec lines (indented 2 spaces) if given.</summary>
    public V1CronJob Create(string schedule, string spec = "", string name = "tick") =>
        (V1CronJob)H.Api.Create(Manifest(schedule, spec, name)).Unwrap();

    /// <summary>What the API server answers to creating such a CronJob: null when it was created.</summary>
    public ApiError? TryCreate(string schedule, string spec = "", string name = "tick") => H.Api.Create(Manifest(schedule, spec, name)).Error;

    private static KubeObject Manifest(string schedule, string spec, string name)
    {
        var loaded = ManifestLoader.LoadText(Yaml(schedule, spec, name), "cronjob.yaml");
        Assert.Empty(loaded.Errors);
        return loaded.Documents.Single().Object;
    }

    private static string Yaml(string schedule, string spec, string name) => $"""
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: {name}
        spec:
          schedule: "{schedule}"
        {Indent(spec)}
          jobTemplate:
            metadata:
              labels:
                app: {name}
            spec:
              template:
                spec:
                  containers:
                  - name: work
                    image: busybox
                    command: ["sleep", "30"]
                  restartPolicy: OnFailure
        """;

    private static string Indent(string spec) =>
        string.Join("\n", spec.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "  " + l.Trim()));

    /// <summary>The minutes since the Unix epoch at <paramref name="rfc3339"/>: the suffix of the Job's name.</summary>
    public static long Minutes(string rfc3339) => (At(rfc3339).Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMinute;

    /// <summary>Runs the loop up to the instant <paramref name="rfc3339"/>.</summary>
    public void RunTo(string rfc3339)
    {
        var target = At(rfc3339);
        Assert.True(target >= Now, $"{rfc3339} is in the past (now {Now})");
        H.Loop.RunFor(target - Now);
    }

    public V1CronJob CronJob(string name = "tick") => H.Get<V1CronJob>(name);

    /// <summary>The Jobs of the namespace, in name order (what <c>kubectl get jobs</c> lists).</summary>
    public List<V1Job> Jobs() => H.Kubectl.ListNow<V1Job>("default").OrderBy(j => j.Metadata.Name, StringComparer.Ordinal).ToList();

    public List<string> JobNames() => Jobs().Select(j => j.Metadata.Name).ToList();

    /// <summary>The names in <c>status.active</c>.</summary>
    public List<string> Active(string name = "tick") => CronJob(name).Status?.Active?.Select(r => r.Name).ToList() ?? [];

    /// <summary>The messages of the CronJob events of one reason, oldest first (what <c>kubectl describe</c> shows).</summary>
    public List<string> Events(string reason) => H.Events(reason).Where(e => e.InvolvedObject.Kind == "CronJob").Select(e => e.Message).ToList();

    /// <summary>As the Job controller would: the Job started when it was created and finished now, Complete or Failed.</summary>
    public V1Job Finish(string jobName, string condition = "Complete")
    {
        var job = ModelCopy.Clone(H.Get<V1Job>(jobName));
        var now = Now.ToKubeTime();
        job.Status ??= new V1JobStatus();
        job.Status.StartTime ??= job.Metadata.CreationTimestamp;
        job.Status.Conditions = [new V1JobCondition { Type = condition, Status = "True", LastProbeTime = now, LastTransitionTime = now }];
        if (condition == "Complete")
        {
            job.Status.CompletionTime = now;
            job.Status.Succeeded = 1;
        }
        else
        {
            job.Status.Failed = 1;
        }
        return H.Kubectl.UpdateStatus(job).Unwrap();
    }

    /// <summary>Finishes every Job not yet finished.</summary>
    public void FinishAll(string condition = "Complete")
    {
        foreach (var job in Jobs().Where(j => j.Status?.Conditions is not { Count: > 0 })) Finish(job.Metadata.Name, condition);
    }

    /// <summary>As <c>kubectl patch</c> would: changes the CronJob's spec.</summary>
    public V1CronJob Patch(Action<V1CronJobSpec> change, string name = "tick")
    {
        var cj = ModelCopy.Clone(CronJob(name));
        change(cj.Spec);
        return H.Kubectl.Update(cj).Unwrap();
    }
}
