using k8s.Models;
using Sim.Core.Time;
using static Sim.Core.Tests.Printing.TableTesting;

namespace Sim.Core.Tests.Printing;

/// <summary>The apps and batch tables, on the seed manifests as the API server stores them and on hand-set statuses.</summary>
public class WorkloadTableTests
{
    [Fact]
    public void Print_SeedDeployment_ReadsAsKubectlGetDeployWide()
    {
        var d = Created<V1Deployment>("nginx-deploy.yml");
        Assert.Equal(["nginx", "0/3", 0L, 0L, "10m", "nginx", "nginx", "app=nginx"], Row(d));

        d.Status = new V1DeploymentStatus { Replicas = 4, UpdatedReplicas = 1, ReadyReplicas = 3, AvailableReplicas = 3 };
        Assert.Equal(["nginx", "3/3", 1L, 3L, "10m", "nginx", "nginx", "app=nginx"], Row(d));
    }

    [Fact]
    public void Print_DeploymentSelectors_PrintAsLabelSelectorAsSelectorDoes()
    {
        var d = Created<V1Deployment>("nginx-deploy.yml");
        d.Spec.Selector = new V1LabelSelector
        {
            MatchLabels = new Dictionary<string, string> { ["tier"] = "web", ["app"] = "nginx" },
            MatchExpressions = [new V1LabelSelectorRequirement { Key = "env", OperatorProperty = "NotIn", Values = ["qa", "dev"] }, new V1LabelSelectorRequirement { Key = "canary", OperatorProperty = "DoesNotExist" }],
        };
        Assert.Equal("app=nginx,!canary,env notin (dev,qa),tier=web", Row(d)[7]);
        d.Spec.Selector = new V1LabelSelector();
        Assert.Equal("", Row(d)[7]); // a Deployment's own formatting: no <none>
        d.Spec.Selector = new V1LabelSelector { MatchExpressions = [new V1LabelSelectorRequirement { Key = "a", OperatorProperty = "Near" }] };
        Assert.Equal("<invalid>", Row(d)[7]);
    }

    [Fact]
    public void Print_ReplicaSet_ShowsDesiredCurrentReadyAsIntegers()
    {
        var rs = new V1ReplicaSet
        {
            Metadata = new V1ObjectMeta { Name = "nginx-5869d7778c", CreationTimestamp = Ago(SimDuration.FromSeconds(190)) },
            Spec = new V1ReplicaSetSpec
            {
                Replicas = 3,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "nginx", ["pod-template-hash"] = "5869d7778c" } },
                Template = new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = [new V1Container { Name = "nginx", Image = "nginx" }, new V1Container { Name = "log", Image = "busybox:1.36" }] } },
            },
            Status = new V1ReplicaSetStatus { Replicas = 3, ReadyReplicas = 2 },
        };
        Assert.Equal(["nginx-5869d7778c", 3L, 3L, 2L, "3m10s", "nginx,log", "nginx,busybox:1.36", "app=nginx,pod-template-hash=5869d7778c"], Row(rs));
        rs.Spec.Selector = null;
        Assert.Equal("<none>", Row(rs)[7]);
    }

    [Fact]
    public void Print_SeedStatefulSet_ShowsReadyOverDesired()
    {
        var sts = Created<V1StatefulSet>("sleep-set.yaml");
        Assert.Equal(["sleep", "0/2", "10m", "sleep", "busybox"], Row(sts));
        sts.Status = new V1StatefulSetStatus { Replicas = 2, ReadyReplicas = 1 };
        Assert.Equal(["sleep", "1/2"], NarrowRow(sts).Take(2));
    }

    [Fact]
    public void Print_DaemonSet_ShowsCountsAndItsNodeSelector()
    {
        var ds = new V1DaemonSet
        {
            Metadata = new V1ObjectMeta { Name = "kube-proxy", CreationTimestamp = Ago(SimDuration.FromHours(49)) },
            Spec = new V1DaemonSetSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["k8s-app"] = "kube-proxy" } },
                Template = new V1PodTemplateSpec
                {
                    Spec = new V1PodSpec
                    {
                        NodeSelector = new Dictionary<string, string> { ["kubernetes.io/os"] = "linux" },
                        Containers = [new V1Container { Name = "kube-proxy", Image = "registry.k8s.io/kube-proxy:v1.32.2" }],
                    },
                },
            },
            Status = new V1DaemonSetStatus { DesiredNumberScheduled = 3, CurrentNumberScheduled = 3, NumberReady = 2, UpdatedNumberScheduled = 3, NumberAvailable = 2 },
        };
        Assert.Equal(["kube-proxy", 3L, 3L, 2L, 3L, 2L, "kubernetes.io/os=linux", "2d1h", "kube-proxy", "registry.k8s.io/kube-proxy:v1.32.2", "k8s-app=kube-proxy"], Row(ds));
        ds.Spec.Template.Spec.NodeSelector = null;
        Assert.Equal("<none>", Row(ds)[6]);
    }

    [Fact]
    public void Print_ControllerRevision_NamesItsControllerByGroupKind()
    {
        var cr = new V1ControllerRevision
        {
            Metadata = new V1ObjectMeta
            {
                Name = "web-7d4b9c8f5",
                CreationTimestamp = Ago(SimDuration.FromMinutes(5)),
                OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "StatefulSet", Name = "web", Uid = "u", Controller = true }],
            },
            Revision = 2,
        };
        Assert.Equal(["web-7d4b9c8f5", "statefulset.apps/web", 2L, "5m"], Row(cr));
        cr.Metadata.OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "Pod", Name = "p", Uid = "u", Controller = true }];
        Assert.Equal("pod/p", Row(cr)[1]);
        cr.Metadata.OwnerReferences = null;
        Assert.Equal("<none>", Row(cr)[1]);
    }

    [Fact]
    public void Print_SeedJob_ShowsStatusCompletionsAndDuration()
    {
        var job = Created<V1Job>("sleep-job.yml");
        // Just created: no start time, so no duration yet.
        Assert.Equal(["sleep", "Running", "0/1", "", "10m", "sleep", "busybox", $"batch.kubernetes.io/controller-uid={job.Metadata.Uid}"], Row(job));

        job.Status = new V1JobStatus { StartTime = Ago(SimDuration.FromSeconds(95)), Active = 1 };
        Assert.Equal(["sleep", "Running", "0/1", "95s", "10m"], NarrowRow(job));

        job.Status = new V1JobStatus
        {
            StartTime = Ago(SimDuration.FromSeconds(300)),
            CompletionTime = Ago(SimDuration.FromSeconds(268)),
            Succeeded = 1,
            Conditions = [new V1JobCondition { Type = "SuccessCriteriaMet", Status = "True" }, new V1JobCondition { Type = "Complete", Status = "True" }],
        };
        Assert.Equal(["sleep", "Complete", "1/1", "32s", "10m"], NarrowRow(job));
    }

    [Fact]
    public void Print_JobStatus_FollowsTheConditionsInUpstreamsOrder()
    {
        var job = Created<V1Job>("sleep-job.yml");
        string StatusWith(params string[] trueConditions)
        {
            job.Status = new V1JobStatus { Conditions = trueConditions.Select(t => new V1JobCondition { Type = t, Status = "True" }).ToList() };
            return (string)Row(job)[1];
        }
        Assert.Equal("Failed", StatusWith("FailureTarget", "Failed"));
        Assert.Equal("FailureTarget", StatusWith("FailureTarget"));
        Assert.Equal("Suspended", StatusWith("Suspended"));
        Assert.Equal("Running", StatusWith());
        job.Status.Conditions = [new V1JobCondition { Type = "Suspended", Status = "False" }];
        Assert.Equal("Running", (string)Row(job)[1]);
        job.Metadata.DeletionTimestamp = SecondsAgo(1);
        Assert.Equal("Terminating", StatusWith("Suspended"));
        Assert.Equal("Complete", StatusWith("Complete"));
    }

    [Fact]
    public void Print_JobCompletions_ReadAsUpstreamWritesThem()
    {
        var job = Created<V1Job>("sleep-job.yml");
        job.Spec.Completions = 5;
        job.Spec.Parallelism = 2;
        job.Status = new V1JobStatus { Succeeded = 3 };
        Assert.Equal("3/5", Row(job)[2]);
        job.Spec.Completions = null; // a work queue
        Assert.Equal("3/1 of 2", Row(job)[2]);
        job.Spec.Parallelism = 1;
        Assert.Equal("3/1", Row(job)[2]);
    }

    [Fact]
    public void Print_SeedCronJob_ShowsScheduleSuspendActiveAndLastSchedule()
    {
        var cj = Created<V1CronJob>("sleep-cronjob.yml");
        Assert.Equal(["sleep", "0 3 * * *", "<none>", "False", 0L, "<none>", "10m", "sleep", "busybox", "<none>"], Row(cj));

        cj.Spec.TimeZone = "Europe/Paris";
        cj.Spec.Suspend = null;
        cj.Status = new V1CronJobStatus { LastScheduleTime = Ago(SimDuration.FromMinutes(7)), Active = [new V1ObjectReference { Name = "sleep-28950000" }] };
        Assert.Equal(["sleep", "0 3 * * *", "Europe/Paris", "<unset>", 1L, "7m", "10m"], NarrowRow(cj));
    }
}
