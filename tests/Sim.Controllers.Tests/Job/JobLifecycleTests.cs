using k8s.Models;
using Sim.Controllers.Runtime;
using Sim.Core.Api;
using Sim.Controllers.Tests.Cluster;
using Sim.Core.Serialization;

namespace Sim.Controllers.Tests.Job;

/// <summary>Jobs in a whole simulated cluster (scheduler, kubelets, garbage collector): what kubectl would show.</summary>
public class JobLifecycleTests
{
    [Fact]
    public void SeedJob_SucceedsAfterAboutThirtySeconds_WithSuccessCriteriaMetThenComplete()
    {
        var c = new TestCluster();
        var created = (V1Job)c.ApplyFile(TestCluster.SeedManifest("sleep-job.yml"));
        c.Until(() => c.Job("sleep").Has("Complete"), 60);
        var job = c.Job("sleep");

        Assert.Equal("SuccessCriteriaMet,Complete", job.ConditionTypes());
        foreach (var type in new[] { "SuccessCriteriaMet", "Complete" })
        {
            Assert.Equal("CompletionsReached", job.Condition(type).Reason);
            Assert.Equal("Reached expected number of succeeded pods", job.Condition(type).Message);
        }
        // kubectl get job: COMPLETIONS 1/1, DURATION about 30 s (the sleep, the image pull, the one-second batching).
        Assert.Equal(1, job.Status.Succeeded);
        Assert.Null(job.Status.Active);
        Assert.Equal(0, job.Status.Ready);
        Assert.Equal(0, job.Status.Terminating);
        Assert.Null(job.Status.UncountedTerminatedPods.Succeeded);
        Assert.Equal(0, Jobs.At(job.Status.StartTime));
        var duration = Jobs.At(job.Status.CompletionTime) - Jobs.At(job.Status.StartTime);
        Assert.InRange(duration, 30, 34);
        Assert.Equal(job.Condition("Complete").LastTransitionTime, job.Status.CompletionTime);

        var pod = Assert.Single(c.JobPods("sleep"));
        Assert.Matches("^sleep-[bcdfghjklmnpqrstvwxz2456789]{5}$", pod.Metadata.Name);
        Assert.Equal("Succeeded", pod.Status.Phase);
        // Counted: the tracking finalizer is gone.
        Assert.Null(pod.Metadata.Finalizers);
        Assert.Equal(created.Metadata.Uid, pod.Metadata.Labels["batch.kubernetes.io/controller-uid"]);
        Assert.Equal("sleep", pod.Metadata.Labels["job-name"]);
        var owner = Assert.Single(pod.Metadata.OwnerReferences);
        Assert.Equal(("Job", "sleep", true, true), (owner.Kind, owner.Name, owner.Controller, owner.BlockOwnerDeletion));

        Assert.Equal("Created pod: " + pod.Metadata.Name, Assert.Single(c.JobEvents("SuccessfulCreate")).Message);
        var completed = Assert.Single(c.JobEvents("Completed"));
        Assert.Equal(("Normal", "Job completed", "job-controller"), (completed.Type, completed.Message, completed.Source.Component));
    }

    [Fact]
    public void PodsOfARunningJob_CarryTheTrackingFinalizerUntilCounted()
    {
        var c = new TestCluster();
        c.Apply(Jobs.Yaml("work", "sleep 20"));
        c.Until(() => c.JobPods("work").Any(p => p.Status?.Phase == "Running"), 30);
        Assert.Equal(["batch.kubernetes.io/job-tracking"], c.JobPods("work").Single().Metadata.Finalizers);
        Assert.Equal(1, c.Job("work").Status.Active);
        c.Until(() => c.Job("work").Has("Complete"), 60);
        Assert.Null(c.JobPods("work").Single().Metadata.Finalizers);
    }

    [Fact]
    public void OnFailure_RestartsTheContainerInPlace_ThenFailsTheJobAndDeletesThePodAtTheBackoffLimit()
    {
        var c = new TestCluster();
        c.Apply(Jobs.Yaml("crash", "sleep 2; exit 1", "OnFailure", "backoffLimit: 3"));
        var versions = new List<V1Pod>();
        c.Api.Committed += change =>
        {
            if (change.Object is V1Pod p && p.Metadata.Labels?.ValueOf("job-name") == "crash") versions.Add(p);
        };
        c.Until(() => c.Job("crash").Has("Failed"), 180);
        var job = c.Job("crash");

        // One pod only: the kubelet restarted its container (CrashLoopBackOff between), the Job created no other.
        Assert.Single(c.JobEvents("SuccessfulCreate"));
        Assert.Single(versions.Select(v => v.Metadata.Name).Distinct());
        Assert.Equal(3, versions.Max(v => v.Status?.ContainerStatuses?.Single().RestartCount ?? 0));
        Assert.Contains(versions, v => v.Status?.ContainerStatuses?.Single().State.Waiting?.Reason == "CrashLoopBackOff");
        // The restarts reached backoffLimit: the pod was deleted (its logs with it) and counted as one failure.
        Assert.Single(c.JobEvents("SuccessfulDelete"));
        Assert.Empty(c.JobPods("crash"));
        Assert.Equal(1, job.Status.Failed);
        Assert.Equal("FailureTarget,Failed", job.ConditionTypes());
        Assert.Equal("BackoffLimitExceeded", job.Condition("Failed").Reason);
        Assert.Equal("Job has reached the specified backoff limit", job.Condition("Failed").Message);
        Assert.Null(job.Status.CompletionTime);
        var warning = Assert.Single(c.JobEvents("BackoffLimitExceeded"));
        Assert.Equal(("Warning", "Job has reached the specified backoff limit"), (warning.Type, warning.Message));
    }

    [Fact]
    public void Never_CreatesANewPodPerFailure_AfterTenTwentyFortySecondsOfBackoff()
    {
        var c = new TestCluster();
        c.Apply(Jobs.Yaml("retry", "sleep 2; exit 1", spec: "backoffLimit: 3"));
        c.Until(() => c.Job("retry").Has("Failed"), 300);
        var job = c.Job("retry");

        // backoffLimit 3: four pods, each failed once (no restart), the fourth failure fails the Job.
        var pods = c.JobPods("retry").OrderBy(p => p.Metadata.CreationTimestamp).ThenBy(p => p.Metadata.Name).ToList();
        Assert.Equal(4, pods.Count);
        Assert.All(pods, p => Assert.Equal(("Failed", 0), (p.Status.Phase, p.Status.ContainerStatuses.Single().RestartCount)));
        Assert.All(pods, p => Assert.Null(p.Metadata.Finalizers));
        Assert.Equal(4, job.Status.Failed);
        Assert.Equal("FailureTarget,Failed", job.ConditionTypes());
        Assert.Equal("BackoffLimitExceeded", job.Condition("Failed").Reason);

        // Each replacement waits 10 s, 20 s, 40 s from the previous pod's finish (its container's finishedAt).
        var gaps = pods.Zip(pods.Skip(1), (prev, next) =>
            Jobs.At(next.Metadata.CreationTimestamp) - Jobs.At(prev.Status.ContainerStatuses.Single().State.Terminated.FinishedAt)).ToList();
        Assert.Equal([10, 20, 40], gaps);
    }

    [Fact]
    public void ParallelCompletions_NeverRunMorePodsThanParallelism()
    {
        var c = new TestCluster();
        c.Apply(Jobs.Yaml("batch", "sleep 5", spec: "completions: 7\nparallelism: 3"));
        var mostActive = c.TrackMostActivePods("batch");
        var mostReported = 0;
        c.Api.Committed += change =>
        {
            if (change.Object is V1Job { Metadata.Name: "batch" } j) mostReported = Math.Max(mostReported, j.Status?.Active ?? 0);
        };
        c.Until(() => c.Job("batch").Has("Complete"), 120);

        Assert.Equal(3, mostActive());
        Assert.Equal(3, mostReported);
        Assert.Equal(7, c.Job("batch").Status.Succeeded);
        // Never more pods than completions: each success is counted once and ends one pod's turn.
        Assert.Equal(7, c.JobPods("batch").Count);
        Assert.All(c.JobPods("batch"), p => Assert.Equal("Succeeded", p.Status.Phase));
        Assert.Empty(c.JobEvents("TooManySucceededPods"));
    }

    [Fact]
    public void WorkQueueJob_WithoutCompletions_IsCompleteOnceAPodSucceededAndNoneRuns()
    {
        var c = new TestCluster();
        c.Apply(Jobs.Yaml("queue", "sleep 5", spec: "parallelism: 2"));
        c.Until(() => c.Job("queue").Has("Complete"), 60);
        var job = c.Job("queue");
        Assert.Null(job.Spec.Completions);
        Assert.Equal(2, job.Status.Succeeded);
        Assert.Equal(2, c.JobPods("queue").Count);
    }

    [Fact]
    public void IndexedJob_GivesEachIndexItsPod_HostnameAndLabel_AndReportsCompletedIndexes()
    {
        var c = new TestCluster();
        c.Apply(Jobs.Yaml("idx", "sleep 3", spec: "completions: 5\nparallelism: 2\ncompletionMode: Indexed"));
        var mostActive = c.TrackMostActivePods("idx");
        c.Until(() => c.Job("idx").Has("Complete"), 120);
        var job = c.Job("idx");

        Assert.Equal("0-4", job.Status.CompletedIndexes);
        Assert.Equal(5, job.Status.Succeeded);
        Assert.Equal(2, mostActive());
        var pods = c.JobPods("idx").OrderBy(p => p.Metadata.Annotations["batch.kubernetes.io/job-completion-index"]).ToList();
        Assert.Equal(5, pods.Count);
        for (var i = 0; i < 5; i++)
        {
            var pod = pods[i];
            Assert.Equal(i.ToString(), pod.Metadata.Annotations["batch.kubernetes.io/job-completion-index"]);
            Assert.Equal(i.ToString(), pod.Metadata.Labels["batch.kubernetes.io/job-completion-index"]);
            Assert.Equal($"idx-{i}", pod.Spec.Hostname);
            Assert.Matches($"^idx-{i}-[bcdfghjklmnpqrstvwxz2456789]{{5}}$", pod.Metadata.Name);
            var env = Assert.Single(pod.Spec.Containers.Single().Env);
            Assert.Equal(("JOB_COMPLETION_INDEX", "metadata.labels['batch.kubernetes.io/job-completion-index']"), (env.Name, env.ValueFrom.FieldRef.FieldPath));
        }
    }

    [Fact]
    public void ActiveDeadlineSeconds_FailsTheJobWithDeadlineExceeded_AndDeletesItsPod()
    {
        var c = new TestCluster();
        c.Apply(Jobs.Yaml("slow", "sleep 600", spec: "activeDeadlineSeconds: 10"));
        c.Until(() => c.Job("slow").Has("FailureTarget"), 30);
        var target = c.Job("slow").Condition("FailureTarget");
        Assert.Equal(10, Jobs.At(target.LastTransitionTime));
        Assert.Equal(("DeadlineExceeded", "Job was active longer than specified deadline"), (target.Reason, target.Message));
        // Failed waits for the pod: sleep as PID 1 ignores SIGTERM and is killed at the end of its 30 s grace period.
        Assert.False(c.Job("slow").Has("Failed"));
        Assert.Equal(1, c.Job("slow").Status.Terminating);
        c.Until(() => c.Job("slow").Has("Failed"), 60);
        var job = c.Job("slow");
        Assert.Equal("FailureTarget,Failed", job.ConditionTypes());
        Assert.Equal("DeadlineExceeded", job.Condition("Failed").Reason);
        Assert.InRange(Jobs.At(job.Condition("Failed").LastTransitionTime), 40, 43);
        Assert.Equal(1, job.Status.Failed);
        Assert.Equal(0, job.Status.Terminating);
        Assert.Empty(c.JobPods("slow"));
        var warning = Assert.Single(c.JobEvents("DeadlineExceeded"));
        Assert.Equal(("Warning", "Job was active longer than specified deadline"), (warning.Type, warning.Message));
    }

    [Fact]
    public void SuspendedJob_RunsNothingUntilResumed_ThenStartsItsClockAgain()
    {
        var c = new TestCluster();
        c.Apply(Jobs.Yaml("later", "sleep 5", spec: "suspend: true"));
        c.For(20);
        var job = c.Job("later");
        Assert.Empty(c.JobPods("later"));
        Assert.Null(job.Status.StartTime);
        var suspended = job.Condition("Suspended");
        Assert.Equal(("True", "JobSuspended", "Job suspended"), (suspended.Status, suspended.Reason, suspended.Message));
        Assert.Equal("Job suspended", Assert.Single(c.JobEvents("Suspended")).Message);

        SetSuspend(c, "later", false);
        c.Until(() => c.Job("later").Has("Complete"), 60);
        job = c.Job("later");
        var resumed = job.Condition("Suspended");
        Assert.Equal(("False", "JobResumed", "Job resumed"), (resumed.Status, resumed.Reason, resumed.Message));
        Assert.Equal(20, Jobs.At(job.Status.StartTime));
        Assert.Equal("Job resumed", Assert.Single(c.JobEvents("Resumed")).Message);
    }

    [Fact]
    public void SuspendingARunningJob_DeletesItsActivePods()
    {
        var c = new TestCluster();
        c.Apply(Jobs.Yaml("pause", "sleep 300", spec: "parallelism: 2\ncompletions: 4"));
        c.Until(() => c.JobPods("pause").Count(p => p.Status?.Phase == "Running") == 2, 30);
        SetSuspend(c, "pause", true);
        c.For(2);
        var job = c.Job("pause");
        Assert.Equal("True", job.Condition("Suspended").Status);
        Assert.Null(job.Status.Active);
        Assert.Equal(2, c.JobEvents("SuccessfulDelete").Count);
        Assert.All(c.JobPods("pause"), p => Assert.NotNull(p.Metadata.DeletionTimestamp));
        // Deleted while suspended: not failures of the Job's work.
        c.Until(() => c.JobPods("pause").Count == 0, 60);
        Assert.False(c.Job("pause").Has("Failed"));
    }

    [Fact]
    public void TtlSecondsAfterFinished_DeletesTheJobAndItsPodsThatManySecondsAfterItFinished()
    {
        var c = new TestCluster();
        c.Apply(Jobs.Yaml("brief", "sleep 3", spec: "ttlSecondsAfterFinished: 20"));
        c.Until(() => c.Job("brief").Has("Complete"), 60);
        var finishedAt = Jobs.At(c.Job("brief").Condition("Complete").LastTransitionTime);
        c.Until(() => c.Elapsed.TotalSeconds >= finishedAt + 19.5, 30);
        Assert.NotNull(c.FindJob("brief"));
        Assert.Single(c.JobPods("brief"));
        c.Until(() => c.FindJob("brief") is null, 10);
        // Foreground: the pods went before the Job.
        Assert.Empty(c.JobPods("brief"));
        Assert.InRange(c.Elapsed.TotalSeconds, finishedAt + 20, finishedAt + 22);
    }

    [Fact]
    public void PodFailurePolicy_FailJobOnAnExitCode_FailsAtTheFirstMatchingFailure()
    {
        var c = new TestCluster();
        c.Apply(Jobs.Yaml("fatal", "sleep 1; exit 42", spec: """
            backoffLimit: 6
            podFailurePolicy:
              rules:
              - action: FailJob
                onExitCodes: {containerName: c, operator: In, values: [42]}
            """));
        c.Until(() => c.Job("fatal").Has("Failed"), 60);
        var job = c.Job("fatal");
        var pod = Assert.Single(c.JobPods("fatal"));
        Assert.Equal("FailureTarget,Failed", job.ConditionTypes());
        Assert.Equal("PodFailurePolicy", job.Condition("Failed").Reason);
        Assert.Equal($"Container c for pod default/{pod.Metadata.Name} failed with exit code 42 matching FailJob rule at index 0", job.Condition("Failed").Message);
        Assert.Equal(1, job.Status.Failed);
        Assert.Equal("Failed", job.Spec.PodReplacementPolicy);
    }

    [Fact]
    public void PodFailurePolicy_IgnoreOnDisruptionTarget_ReplacesAnEvictedPodWithoutFailingTheJob()
    {
        var c = new TestCluster(2);
        c.Apply(Jobs.Yaml("evictable", "sleep 600", spec: """
            backoffLimit: 0
            podFailurePolicy:
              rules:
              - action: Ignore
                onPodConditions: [{type: DisruptionTarget}]
            """));
        c.Until(() => c.JobPods("evictable").Any(p => p.Status?.Phase == "Running"), 30);
        var first = c.JobPods("evictable").Single();
        var victim = first.Spec.NodeName;
        NodeLifecycle.NodeFailure.CrashRightAfterRenewal(c, victim);
        c.Until(() => NodeLifecycle.NodeFailure.Taint(c.Node(victim), NodeLifecycle.NodeFailure.Unreachable, "NoExecute") is not null, 120);
        // kubectl taint nodes NODE node.kubernetes.io/out-of-service=nodeshutdown:NoExecute: the taint manager evicts
        // the pod (DisruptionTarget), PodGC marks it Failed and force-deletes it.
        var node = ModelCopy.Clone(c.Node(victim));
        node.Spec.Taints.Add(new V1Taint { Key = "node.kubernetes.io/out-of-service", Value = "nodeshutdown", Effect = "NoExecute" });
        c.Api.Update(node).Unwrap();
        c.Until(() => c.JobPods("evictable").Any(p => p.Metadata.Name != first.Metadata.Name && p.Status?.Phase == "Running"), 120);

        var job = c.Job("evictable");
        Assert.Null(job.Status.Conditions);
        Assert.Null(job.Status.Failed);
        Assert.Equal(1, job.Status.Active);
        Assert.NotEqual(victim, c.JobPods("evictable").Single(p => p.Metadata.Name != first.Metadata.Name).Spec.NodeName);
        // The evicted pod was not left behind by its finalizer.
        Assert.DoesNotContain(c.JobPods("evictable"), p => p.Metadata.Name == first.Metadata.Name);
    }

    [Fact]
    public void DeletingARunningJob_LeavesNoPodStuckOnTheTrackingFinalizer()
    {
        var c = new TestCluster();
        c.Apply(Jobs.Yaml("gone", "sleep 300", spec: "parallelism: 3\ncompletions: 3"));
        c.Until(() => c.JobPods("gone").Count(p => p.Status?.Phase == "Running") == 3, 30);
        // kubectl delete job sends Background propagation.
        c.Api.Delete(ResourceKinds.Job, "default", "gone", new DeleteOptions { PropagationPolicy = PropagationPolicy.Background }).Unwrap();
        c.Until(() => c.JobPods("gone").Count == 0, 60);
        Assert.Null(c.FindJob("gone"));
    }

    [Fact]
    public void DeletingAJobWithTheApiDefault_OrphansItsPods_WithoutTheirTrackingFinalizer()
    {
        var c = new TestCluster();
        c.Apply(Jobs.Yaml("keep", "sleep 300"));
        c.Until(() => c.JobPods("keep").Any(p => p.Status?.Phase == "Running"), 30);
        // batch/v1 Jobs default to Orphan: the pod survives, released by the garbage collector.
        c.Api.Delete(ResourceKinds.Job, "default", "keep").Unwrap();
        c.For(5);
        var pod = Assert.Single(c.JobPods("keep"));
        Assert.Null(pod.Metadata.OwnerReferences);
        Assert.Null(pod.Metadata.Finalizers);
        // Deleting it now is not held up by anything.
        c.Api.Delete(ResourceKinds.Pod, "default", pod.Metadata.Name, new DeleteOptions { GracePeriodSeconds = 0 }).Unwrap();
        c.For(1);
        Assert.Empty(c.JobPods("keep"));
    }

    private static void SetSuspend(TestCluster c, string name, bool suspend)
    {
        var job = ModelCopy.Clone(c.Job(name));
        job.Spec.Suspend = suspend;
        c.Api.Update(job).Unwrap();
    }
}
