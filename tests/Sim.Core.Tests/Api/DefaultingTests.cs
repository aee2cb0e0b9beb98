using k8s.Models;
using Sim.Core.Api;

namespace Sim.Core.Tests.Api;

public class DefaultingTests
{
    [Fact]
    public void Deployment_GetsKubernetesDefaults()
    {
        var d = (V1Deployment)Some.Server().Create(Some.Deployment()).Unwrap();
        Assert.Equal("RollingUpdate", d.Spec.Strategy.Type);
        Assert.Equal("25%", d.Spec.Strategy.RollingUpdate.MaxSurge.Value);
        Assert.Equal("25%", d.Spec.Strategy.RollingUpdate.MaxUnavailable.Value);
        Assert.Equal(10, d.Spec.RevisionHistoryLimit);
        Assert.Equal(600, d.Spec.ProgressDeadlineSeconds);
        var podSpec = d.Spec.Template.Spec;
        Assert.Equal("Always", podSpec.RestartPolicy);
        Assert.Equal(30, podSpec.TerminationGracePeriodSeconds);
        Assert.Equal("ClusterFirst", podSpec.DnsPolicy);
        Assert.Equal("default-scheduler", podSpec.SchedulerName);
        Assert.Equal("Always", podSpec.Containers[0].ImagePullPolicy);
        Assert.Equal("/dev/termination-log", podSpec.Containers[0].TerminationMessagePath);
        Assert.NotNull(d.Status);
    }

    [Fact]
    public void Deployment_WithoutReplicas_GetsOne()
    {
        var dep = Some.Deployment();
        dep.Spec.Replicas = null;
        Assert.Equal(1, ((V1Deployment)Some.Server().Create(dep).Unwrap()).Spec.Replicas);
    }

    [Fact]
    public void Pod_GetsAdmissionDefaultsAndPendingStatus()
    {
        var pod = (V1Pod)Some.Server().Create(Some.Pod(image: "nginx:1.27")).Unwrap();
        Assert.Equal("Always", pod.Spec.RestartPolicy);
        Assert.Equal(30, pod.Spec.TerminationGracePeriodSeconds);
        Assert.Equal("IfNotPresent", pod.Spec.Containers[0].ImagePullPolicy);
        Assert.Equal("default", pod.Spec.ServiceAccountName);
        Assert.Equal(0, pod.Spec.Priority);
        Assert.Equal(2, pod.Spec.Tolerations.Count);
        Assert.All(pod.Spec.Tolerations, t =>
        {
            Assert.Equal("Exists", t.OperatorProperty);
            Assert.Equal("NoExecute", t.Effect);
            Assert.Equal(300, t.TolerationSeconds);
        });
        Assert.Equal(["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"], pod.Spec.Tolerations.Select(t => t.Key));
        Assert.Equal("Pending", pod.Status.Phase);
        Assert.Equal("BestEffort", pod.Status.QosClass);
    }

    [Fact]
    public void Pod_WithLimitsOnly_GetsEqualRequestsAndGuaranteedQos()
    {
        var pod = Some.Pod();
        pod.Spec.Containers[0].Resources = new V1ResourceRequirements
        {
            Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("500m"), ["memory"] = new("128Mi") },
        };
        var created = (V1Pod)Some.Server().Create(pod).Unwrap();
        Assert.Equal("500m", created.Spec.Containers[0].Resources.Requests["cpu"].ToString());
        Assert.Equal("Guaranteed", created.Status.QosClass);
    }

    [Fact]
    public void Job_GetsDefaultsAndAGeneratedSelector()
    {
        var job = new V1Job
        {
            Metadata = new V1ObjectMeta { Name = "sleep" },
            Spec = new V1JobSpec
            {
                Template = new V1PodTemplateSpec
                {
                    Spec = new V1PodSpec { RestartPolicy = "OnFailure", Containers = [new V1Container { Name = "sleep", Image = "busybox" }] },
                },
            },
        };
        var created = (V1Job)Some.Server().Create(job).Unwrap();
        Assert.Equal(6, created.Spec.BackoffLimit);
        Assert.Equal(1, created.Spec.Completions);
        Assert.Equal(1, created.Spec.Parallelism);
        Assert.Equal("NonIndexed", created.Spec.CompletionMode);
        Assert.Equal(created.Metadata.Uid, created.Spec.Selector.MatchLabels["batch.kubernetes.io/controller-uid"]);
        Assert.Equal("sleep", created.Spec.Template.Metadata.Labels["job-name"]);
    }

    [Fact]
    public void CronJob_StatefulSet_DaemonSet_Hpa_GetDefaults()
    {
        var server = Some.Server();
        foreach (var file in new[] { "sleep-cronjob.yml", "sleep-set.yaml", "nginx-scaler.yml" })
        {
            var doc = Sim.Core.Manifests.ManifestLoader.LoadFile(Path.Combine(Some.SeedManifestDirectory, file)).Documents.Single();
            server.Create(doc.Object).Unwrap();
        }
        var cj = (V1CronJob)server.Get(ResourceKinds.CronJob, "default", "sleep").Value!;
        Assert.Equal("Allow", cj.Spec.ConcurrencyPolicy);
        Assert.Equal(3, cj.Spec.SuccessfulJobsHistoryLimit);
        Assert.Equal(1, cj.Spec.FailedJobsHistoryLimit);
        Assert.False(cj.Spec.Suspend);
        var sts = (V1StatefulSet)server.Get(ResourceKinds.StatefulSet, "default", "sleep").Value!;
        Assert.Equal("OrderedReady", sts.Spec.PodManagementPolicy);
        Assert.Equal("RollingUpdate", sts.Spec.UpdateStrategy.Type);
        Assert.Equal(0, sts.Spec.UpdateStrategy.RollingUpdate.Partition);
        Assert.Equal("Retain", sts.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted);
        var hpa = (V2HorizontalPodAutoscaler)server.Get(ResourceKinds.HorizontalPodAutoscaler, "default", "nginx").Value!;
        Assert.Equal(1, hpa.Spec.MinReplicas);

        var ds = new V1DaemonSet
        {
            Metadata = new V1ObjectMeta { Name = "agent" },
            Spec = new V1DaemonSetSpec
            {
                Selector = new V1LabelSelector { MatchLabels = Some.Labels("app=agent") },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = Some.Labels("app=agent") },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "a", Image = "busybox" }] },
                },
            },
        };
        var createdDs = (V1DaemonSet)server.Create(ds).Unwrap();
        Assert.Equal("RollingUpdate", createdDs.Spec.UpdateStrategy.Type);
        Assert.Equal("1", createdDs.Spec.UpdateStrategy.RollingUpdate.MaxUnavailable.Value);
        Assert.Equal(10, createdDs.Spec.RevisionHistoryLimit);
    }

    [Fact]
    public void HpaV1_IsConvertedToV2WithItsCpuTarget()
    {
        var v1 = new V1HorizontalPodAutoscaler
        {
            ApiVersion = "autoscaling/v1",
            Kind = "HorizontalPodAutoscaler",
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V1HorizontalPodAutoscalerSpec
            {
                MaxReplicas = 5,
                TargetCPUUtilizationPercentage = 60,
                ScaleTargetRef = new V1CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "web" },
            },
        };
        var created = (V2HorizontalPodAutoscaler)Some.Server().Create(v1).Unwrap();
        Assert.Equal("autoscaling/v2", created.ApiVersion);
        Assert.Equal(60, created.Spec.Metrics.Single().Resource.Target.AverageUtilization);
    }

    [Fact]
    public void TemplateWithLimitsOnly_KeepsItsRequestsUnset_ThePodGetsThem()
    {
        // SetDefaults_Pod copies limits into requests for a Pod only, never for a template.
        var server = Some.Server();
        var d = Some.Deployment();
        d.Spec.Template.Spec.Containers[0].Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("500m") } };
        var stored = (V1Deployment)server.Create(d).Unwrap();
        Assert.Null(stored.Spec.Template.Spec.Containers[0].Resources.Requests);
        var pod = Some.Pod();
        pod.Spec.Containers[0].Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("500m") } };
        Assert.Equal("500m", ((V1Pod)server.Create(pod).Unwrap()).Spec.Containers[0].Resources.Requests["cpu"].ToString());
    }

    [Fact]
    public void HttpGetProbe_DefaultsItsPathAndScheme()
    {
        var pod = Some.Pod();
        pod.Spec.Containers[0].ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Port = 80 } };
        var probe = ((V1Pod)Some.Server().Create(pod).Unwrap()).Spec.Containers[0].ReadinessProbe.HttpGet;
        Assert.Equal(("/", "HTTP"), (probe.Path, probe.Scheme));
    }

    [Fact]
    public void Job_TakesItsTemplateLabels_AndAcceptsAZeroDeadline()
    {
        var job = new V1Job
        {
            Metadata = new V1ObjectMeta { Name = "once" },
            Spec = new V1JobSpec
            {
                ActiveDeadlineSeconds = 0,
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "batch" } },
                    Spec = new V1PodSpec { RestartPolicy = "Never", Containers = [new V1Container { Name = "c", Image = "busybox" }] },
                },
            },
        };
        var stored = (V1Job)Some.Server().Create(job).Unwrap();
        Assert.Equal(new Dictionary<string, string> { ["app"] = "batch" }, stored.Metadata.Labels);
    }

    [Fact]
    public void Service_GetsSessionAffinityForEveryType_AndClientIpTimeout()
    {
        var server = Some.Server();
        var external = (V1Service)server.Create(new V1Service { Metadata = new V1ObjectMeta { Name = "ext" }, Spec = new V1ServiceSpec { Type = "ExternalName", ExternalName = "example.com" } }).Unwrap();
        Assert.Equal("None", external.Spec.SessionAffinity);
        var sticky = (V1Service)server.Create(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "sticky" },
            Spec = new V1ServiceSpec { Type = "LoadBalancer", SessionAffinity = "ClientIP", Ports = [new V1ServicePort { Port = 80 }] },
        }).Unwrap();
        Assert.Equal((10800, true), ((int)sticky.Spec.SessionAffinityConfig.ClientIP.TimeoutSeconds!, sticky.Spec.AllocateLoadBalancerNodePorts == true));
    }

    [Theory]
    [InlineData("1svc", null, "The Service \"1svc\" is invalid: metadata.name: Invalid value: \"1svc\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")]
    [InlineData("web", 30080, "The Service \"web\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'")]
    public void ServiceNamesAndNodePorts_AreValidatedAsUpstream(string name, int? nodePort, string expected)
    {
        var error = Some.Server().Create(new V1Service { Metadata = new V1ObjectMeta { Name = name }, Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 80, NodePort = nodePort }] } }).Error!;
        Assert.Equal(expected, error.KubectlMessage);
    }

    [Theory]
    [InlineData("1", "1", "spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:\"\"}: may not be set when maxUnavailable is non-zero")]
    [InlineData("0", "0", "spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0")]
    [InlineData("150%", "0", "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: \"150%\": must not be greater than 100%")]
    public void DaemonSetRollingUpdate_TakesExactlyOneOfSurgeAndUnavailable(string unavailable, string surge, string expected)
    {
        static IntOrString Value(string v) => int.TryParse(v, out var n) ? (IntOrString)n : (IntOrString)v;
        var ds = new V1DaemonSet
        {
            Metadata = new V1ObjectMeta { Name = "agent" },
            Spec = new V1DaemonSetSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "agent" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "agent" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "busybox" }] },
                },
                UpdateStrategy = new V1DaemonSetUpdateStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDaemonSet { MaxUnavailable = Value(unavailable), MaxSurge = Value(surge) } },
            },
        };
        Assert.Equal("The DaemonSet \"agent\" is invalid: " + expected, Some.Server().Create(ds).Error!.KubectlMessage);
    }

    [Fact]
    public void Pod_GetsTheServiceAccountTokenVolumeMountedInEveryContainer()
    {
        var pod = Some.Pod();
        pod.Spec.InitContainers = [new V1Container { Name = "init", Image = "busybox" }];
        var stored = (V1Pod)Some.Server().Create(pod).Unwrap();
        var volume = Assert.Single(stored.Spec.Volumes);
        Assert.Matches("^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$", volume.Name);
        Assert.Equal(["token", "ca.crt", "namespace"], volume.Projected.Sources.Select(s => s.ServiceAccountToken?.Path ?? s.ConfigMap?.Items[0].Path ?? s.DownwardAPI.Items[0].Path));
        Assert.Equal(3607, volume.Projected.Sources[0].ServiceAccountToken.ExpirationSeconds);
        foreach (var c in stored.Spec.InitContainers.Concat(stored.Spec.Containers))
        {
            var mount = Assert.Single(c.VolumeMounts);
            Assert.Equal((volume.Name, "/var/run/secrets/kubernetes.io/serviceaccount", true), (mount.Name, mount.MountPath, mount.ReadOnlyProperty == true));
        }
    }

    [Fact]
    public void Pod_ThatOptsOutOfTheToken_GetsNoVolume()
    {
        var pod = Some.Pod();
        pod.Spec.AutomountServiceAccountToken = false;
        Assert.Null(((V1Pod)Some.Server().Create(pod).Unwrap()).Spec.Volumes);
    }
}
