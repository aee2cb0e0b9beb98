using k8s.Models;
using Sim.Controllers.Job;
using Sim.Controllers.Tests.Runtime;
using Sim.Core.Api;
using Sim.Core.Serialization;

namespace Sim.Controllers.Tests.Job;

/// <summary>The Job controller alone over a bare API server; the test plays scheduler and kubelet.</summary>
public class JobControllerTests
{
    private static ControllerHarness Harness() => new(ctx => _ = new JobController(ctx));

    private static V1Job Job(ControllerHarness h, string name) => h.Get<V1Job>(name);

    [Fact]
    public void Sync_BackoffLimitExceededWithAPodStillRunning_DeletesIt_AndFailsOnlyOnceItIsGone()
    {
        var h = Harness();
        h.Apply<V1Job>(Jobs.Yaml("two", "sleep 300", spec: "parallelism: 2\ncompletions: 2\nbackoffLimit: 0"));
        h.Until(() => h.JobPods("two").Count == 2, 2);
        var (failing, running) = (h.JobPods("two")[0], h.JobPods("two")[1]);
        h.SetPhase(h.Bind(running, "node-1"), "Running", ready: true);
        h.SetPhase(h.Bind(failing, "node-1"), "Failed", exitCode: 1);
        h.Until(() => Job(h, "two").Has("FailureTarget"), 5);

        // The running pod was deleted and is terminating: the Job has its interim condition only.
        var job = Job(h, "two");
        Assert.Equal("FailureTarget", job.ConditionTypes());
        Assert.Equal(1, job.Status.Terminating);
        var victim = h.Get<V1Pod>(running.Metadata.Name);
        Assert.NotNull(victim.Metadata.DeletionTimestamp);
        // Its finalizer is off already: it counts as failed, and nothing keeps the kubelet's final delete waiting.
        Assert.Null(victim.Metadata.Finalizers);
        Assert.Equal(2, job.Status.Failed);
        Assert.Equal("Deleted pod: " + running.Metadata.Name, Assert.Single(h.Events("SuccessfulDelete")).Message);
        h.For(30);
        Assert.False(Job(h, "two").Has("Failed"));

        h.ForceDelete(victim);
        h.Until(() => Job(h, "two").Has("Failed"), 5);
        job = Job(h, "two");
        Assert.Equal("FailureTarget,Failed", job.ConditionTypes());
        Assert.Equal(0, job.Status.Terminating);
        Assert.Equal("Job has reached the specified backoff limit", Assert.Single(h.Events("BackoffLimitExceeded")).Message);
    }

    [Fact]
    public void Sync_PodFailurePolicyIgnoresADisruptionTarget_ReplacingThePodWithoutCountingIt()
    {
        var h = Harness();
        var created = h.Apply<V1Job>(Jobs.Yaml("evictable", "sleep 300", spec: """
            backoffLimit: 0
            podFailurePolicy:
              rules:
              - action: Ignore
                onPodConditions: [{type: DisruptionTarget}]
            """));
        // The API defaults the pattern's status to True.
        Assert.Equal("True", created.Spec.PodFailurePolicy.Rules.Single().OnPodConditions.Single().Status);
        h.Until(() => h.JobPods("evictable").Count == 1, 2);
        var first = h.Bind(h.JobPods("evictable")[0], "node-1");
        // As the taint manager and PodGC leave a pod they evict: DisruptionTarget, then Failed.
        var evicted = ModelCopy.Clone(h.SetPhase(first, "Failed", exitCode: 137));
        evicted.Status.Conditions.Add(new V1PodCondition { Type = "DisruptionTarget", Status = "True", Reason = "DeletionByTaintManager", LastTransitionTime = h.Loop.Now.ToKubeTime() });
        h.Kubectl.UpdateStatus(evicted).Unwrap();

        // Not a failure of the Job: no FailureTarget, nothing counted, and a replacement after the 10 s backoff.
        h.Until(() => h.JobPods("evictable").Count == 2, 15);
        var job = Job(h, "evictable");
        Assert.Null(job.Status.Failed);
        Assert.Null(job.Status.Conditions);
        Assert.Null(h.Get<V1Pod>(first.Metadata.Name).Metadata.Finalizers);

        // A real failure (no rule matches) counts, and exceeds backoffLimit 0.
        var second = h.JobPods("evictable").Single(p => p.Metadata.Name != first.Metadata.Name);
        h.SetPhase(h.Bind(second, "node-1"), "Failed", exitCode: 1);
        h.Until(() => Job(h, "evictable").Has("Failed"), 5);
        Assert.Equal(1, Job(h, "evictable").Status.Failed);
        Assert.Equal("BackoffLimitExceeded", Job(h, "evictable").Condition("Failed").Reason);
    }

    [Fact]
    public void Sync_WithPodFailurePolicy_ReplacesATerminatingPodOnlyOnceItHasFailed()
    {
        var h = Harness();
        h.Apply<V1Job>(Jobs.Yaml("strict", "sleep 300", spec: """
            podFailurePolicy:
              rules:
              - action: Ignore
                onPodConditions: [{type: DisruptionTarget}]
            """));
        h.Until(() => h.JobPods("strict").Count == 1, 2);
        var pod = h.SetPhase(h.Bind(h.JobPods("strict")[0], "node-1"), "Running", ready: true);
        h.Kubectl.Delete<V1Pod>("default", pod.Metadata.Name).Completed();
        h.For(20);
        // podReplacementPolicy Failed (implied by the policy): the terminating pod still holds its place.
        Assert.Single(h.JobPods("strict"));
        Assert.Equal(1, Job(h, "strict").Status.Terminating);
        h.SetPhase(pod, "Failed", exitCode: 137);
        h.Until(() => h.JobPods("strict").Count(p => p.Metadata.DeletionTimestamp is null) == 1, 15);
    }

    [Fact]
    public void Sync_ManyPodsFinishingAtOnce_AreCountedAtMostFiveHundredAPass_EachExactlyOnce()
    {
        var h = Harness();
        h.Apply<V1Job>(Jobs.Yaml("wide", "true", spec: "parallelism: 600\ncompletions: 600"));
        h.Until(() => h.JobPods("wide").Count == 600, 5);
        var uncountedSeen = 0;
        h.Api.Committed += change =>
        {
            if (change.Object is V1Job { Metadata.Name: "wide" } j) uncountedSeen = Math.Max(uncountedSeen, j.Status?.UncountedTerminatedPods?.Succeeded?.Count ?? 0);
        };
        foreach (var pod in h.JobPods("wide")) h.SetPhase(h.Bind(pod, "node-1"), "Succeeded");
        h.Until(() => Job(h, "wide").Has("Complete"), 10);

        Assert.Equal(JobController.MaxUncountedPods, uncountedSeen);
        var job = Job(h, "wide");
        Assert.Equal(600, job.Status.Succeeded);
        Assert.Null(job.Status.UncountedTerminatedPods.Succeeded);
        Assert.All(h.JobPods("wide"), p => Assert.Null(p.Metadata.Finalizers));
        h.For(10);
        Assert.Equal(600, Job(h, "wide").Status.Succeeded);
    }

    [Fact]
    public void Sync_AnOrphanItSelects_IsAdoptedWithTheTrackingFinalizer_AndCountsAsActive()
    {
        var h = Harness();
        var orphan = h.Create(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "stray", NamespaceProperty = "default", Labels = new Dictionary<string, string> { ["app"] = "adopt" } },
            Spec = new V1PodSpec { RestartPolicy = "Never", Containers = [new V1Container { Name = "c", Image = "busybox" }] },
        });
        var job = h.Apply<V1Job>("""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: adopter}
            spec:
              manualSelector: true
              selector: {matchLabels: {app: adopt}}
              template:
                metadata: {labels: {app: adopt}}
                spec:
                  restartPolicy: Never
                  containers: [{name: c, image: busybox}]
            """);
        h.Until(() => h.Get<V1Pod>("stray").Metadata.OwnerReferences is not null, 3);
        var adopted = h.Get<V1Pod>("stray");
        Assert.Equal(job.Metadata.Uid, Assert.Single(adopted.Metadata.OwnerReferences).Uid);
        Assert.Equal(["batch.kubernetes.io/job-tracking"], adopted.Metadata.Finalizers);
        Assert.NotEqual(orphan.Metadata.ResourceVersion, adopted.Metadata.ResourceVersion);
        // The adopted pod is the one the Job wanted: no other is created.
        h.For(3);
        Assert.Single(h.Pods("app=adopt"));
        Assert.Equal(1, h.Get<V1Job>("adopter").Status.Active);
    }

    [Fact]
    public void OrphanWorker_TakesTheTrackingFinalizerOffAPodWhoseJobIsGone()
    {
        var h = Harness();
        h.Apply<V1Job>(Jobs.Yaml("brief", "sleep 300"));
        h.Until(() => h.JobPods("brief").Count == 1, 2);
        var pod = h.JobPods("brief")[0];
        Assert.NotNull(pod.Metadata.Finalizers);
        // No garbage collector here: the pod keeps its owner reference to a Job that no longer exists.
        h.Kubectl.Delete<V1Job>("default", "brief", new DeleteOptions { PropagationPolicy = PropagationPolicy.Orphan }).Completed();
        h.Until(() => h.Get<V1Pod>(pod.Metadata.Name).Metadata.Finalizers is null, 3);
    }

    [Fact]
    public void Sync_SuccessPolicyMet_EndsTheRemainingIndexes_ThenCompletes()
    {
        var h = Harness();
        h.Apply<V1Job>(Jobs.Yaml("leader", "sleep 300", spec: """
            completions: 3
            parallelism: 3
            completionMode: Indexed
            successPolicy:
              rules: [{succeededIndexes: "0"}]
            """));
        h.Until(() => h.JobPods("leader").Count == 3, 2);
        var pods = h.JobPods("leader").OrderBy(IndexedJobs.CompletionIndex).ToList();
        foreach (var p in pods.Skip(1)) h.SetPhase(h.Bind(p, "node-1"), "Running", ready: true);
        h.SetPhase(h.Bind(pods[0], "node-1"), "Succeeded");
        h.Until(() => Job(h, "leader").Has("SuccessCriteriaMet"), 3);
        var job = Job(h, "leader");
        Assert.Equal(("SuccessPolicy", "Matched rules at index 0"), (job.Condition("SuccessCriteriaMet").Reason, job.Condition("SuccessCriteriaMet").Message));
        Assert.False(job.Has("Complete"));
        Assert.Equal(2, job.Status.Terminating);
        Assert.Equal("0", job.Status.CompletedIndexes);
        foreach (var p in pods.Skip(1)) h.ForceDelete(h.Get<V1Pod>(p.Metadata.Name));
        h.Until(() => Job(h, "leader").Has("Complete"), 3);
        job = Job(h, "leader");
        Assert.Equal("SuccessCriteriaMet,Complete", job.ConditionTypes());
        Assert.Equal("SuccessPolicy", job.Condition("Complete").Reason);
        // The other indexes did not succeed: their pods were ended, not counted as failures of the Job.
        Assert.Null(job.Status.Failed);
    }

    [Fact]
    public void Sync_BackoffLimitPerIndex_FailsAnIndexOnItsOwn_AndTheJobOnceEveryIndexIsDone()
    {
        var h = Harness();
        h.Apply<V1Job>(Jobs.Yaml("perindex", "sleep 300", spec: """
            completions: 2
            parallelism: 2
            completionMode: Indexed
            backoffLimitPerIndex: 1
            """));
        h.Until(() => h.JobPods("perindex").Count == 2, 2);
        Assert.Equal(int.MaxValue, Job(h, "perindex").Spec.BackoffLimit);
        h.SetPhase(h.Bind(Pod(h, "perindex", 1, 0), "node-1"), "Running", ready: true);
        h.SetPhase(h.Bind(Pod(h, "perindex", 0, 0), "node-1"), "Failed", exitCode: 1);
        // Index 0 gets a second pod, carrying the failure of the first.
        h.Until(() => h.JobPods("perindex").Count == 3, 15);
        Assert.Equal("1", Pod(h, "perindex", 0, 1).Metadata.Annotations["batch.kubernetes.io/job-index-failure-count"]);
        Assert.Equal("0", Pod(h, "perindex", 1, 0).Metadata.Annotations["batch.kubernetes.io/job-index-failure-count"]);
        h.SetPhase(h.Bind(Pod(h, "perindex", 0, 1), "node-1"), "Failed", exitCode: 1);
        h.Until(() => Job(h, "perindex").Status.FailedIndexes == "0", 5);
        // Index 1 still runs: the Job goes on.
        Assert.Null(Job(h, "perindex").Status.Conditions);
        h.SetPhase(Pod(h, "perindex", 1, 0), "Succeeded");
        h.Until(() => Job(h, "perindex").Has("Failed"), 5);
        var job = Job(h, "perindex");
        Assert.Equal(("FailedIndexes", "Job has failed indexes"), (job.Condition("Failed").Reason, job.Condition("Failed").Message));
        Assert.Equal("1", job.Status.CompletedIndexes);
        Assert.Equal(2, job.Status.Failed);
    }

    [Fact]
    public void Sync_APodWithARepeatedIndex_IsDeleted()
    {
        var h = Harness();
        h.Apply<V1Job>(Jobs.Yaml("dup", "sleep 300", spec: "completions: 2\nparallelism: 2\ncompletionMode: Indexed"));
        h.Until(() => h.JobPods("dup").Count == 2, 2);
        // A second pod of index 0, as a controller restart racing its own create could leave.
        var copy = ModelCopy.Clone(Pod(h, "dup", 0, 0));
        copy.Metadata = new V1ObjectMeta
        {
            Name = "dup-0-extra", NamespaceProperty = "default", Labels = copy.Metadata.Labels, Annotations = copy.Metadata.Annotations,
            OwnerReferences = copy.Metadata.OwnerReferences, Finalizers = copy.Metadata.Finalizers,
        };
        copy.Status = null;
        h.Create(copy);
        h.For(3);
        // One of the two holding index 0 went (not bound to a node, it is gone at once); index 1 kept its pod.
        Assert.Single(h.Events("SuccessfulDelete"));
        Assert.Equal([0, 1], h.JobPods("dup").Select(IndexedJobs.CompletionIndex).Order());
    }

    // The nth pod created for an index of an Indexed Job (replacements come at least a backoff later).
    private static V1Pod Pod(ControllerHarness h, string job, int index, int nth) =>
        h.JobPods(job).Where(p => IndexedJobs.CompletionIndex(p) == index).OrderBy(p => p.Metadata.CreationTimestamp).ElementAt(nth);
}
