using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Serialization;

namespace Sim.Core.Tests.Api;

public class ValidationTests
{
    private static ApiError Refusal(KubeObject obj) => Some.Server().Create(obj).Error ?? throw new Xunit.Sdk.XunitException("accepted");

    [Fact]
    public void MissingName_IsRequired()
    {
        var error = Refusal(Some.Pod(""));
        Assert.Equal(422, error.Code);
        Assert.Equal("Pod \"\" is invalid: metadata.name: Required value: name or generateName is required", error.Message);
    }

    [Fact]
    public void UppercaseName_BreaksDns1123()
    {
        var error = Refusal(Some.Deployment("Nginx"));
        Assert.Equal("Deployment.apps \"Nginx\" is invalid: metadata.name: Invalid value: \"Nginx\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')", error.Message);
        Assert.Equal("The Deployment \"Nginx\" is invalid: metadata.name: Invalid value: \"Nginx\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')", error.KubectlMessage);
    }

    [Fact]
    public void SelectorNotMatchingTemplateLabels_IsInvalid()
    {
        var d = Some.Deployment();
        d.Spec.Template.Metadata.Labels = Some.Labels("app=web");
        var error = Refusal(d);
        Assert.Equal("The Deployment \"nginx\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`", error.KubectlMessage);
        Assert.Equal("spec.template.metadata.labels", error.Causes.Single().Field);
        Assert.Equal("FieldValueInvalid", error.ToStatus().Details.Causes.Single().Reason);
    }

    [Fact]
    public void MissingSelector_IsRequired_AndMatchesNoTemplate()
    {
        var d = Some.Deployment();
        d.Spec.Selector = null;
        Assert.Equal("The Deployment \"nginx\" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"nginx\"}: `selector` does not match template `labels`]", Refusal(d).KubectlMessage);
    }

    [Fact]
    public void NegativeReplicas_AreInvalid()
    {
        var d = Some.Deployment(replicas: -1);
        Assert.Equal("The Deployment \"nginx\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0", Refusal(d).KubectlMessage);
    }

    [Fact]
    public void MaxSurgeAndMaxUnavailableBothZero_AreInvalid()
    {
        var d = Some.Deployment();
        d.Spec.Strategy = new V1DeploymentStrategy
        {
            Type = "RollingUpdate",
            RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = 0, MaxUnavailable = 0 },
        };
        Assert.Equal("The Deployment \"nginx\" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: may not be 0 when `maxSurge` is 0", Refusal(d).KubectlMessage);
    }

    [Fact]
    public void TemplateRestartPolicyNever_IsUnsupportedForDeployments()
    {
        var d = Some.Deployment();
        d.Spec.Template.Spec.RestartPolicy = "Never";
        Assert.Equal("The Deployment \"nginx\" is invalid: spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"", Refusal(d).KubectlMessage);
    }

    [Fact]
    public void SeveralErrors_AreAggregatedInBrackets()
    {
        var d = Some.Deployment(replicas: -2);
        d.Spec.Template.Spec.Containers[0].Image = null;
        Assert.Equal("The Deployment \"nginx\" is invalid: [spec.replicas: Invalid value: -2: must be greater than or equal to 0, spec.template.spec.containers[0].image: Required value]", Refusal(d).KubectlMessage);
    }

    [Fact]
    public void ChangingADeploymentSelector_IsForbiddenAsImmutable()
    {
        var server = Some.Server();
        var d = (V1Deployment)server.Create(Some.Deployment()).Unwrap();
        var changed = ModelCopy.Clone(d);
        changed.Spec.Selector.MatchLabels["app"] = "web";
        changed.Spec.Template.Metadata.Labels["app"] = "web";
        var error = server.Update(changed).Error!;
        Assert.Equal("The Deployment \"nginx\" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable", error.KubectlMessage);
    }

    [Theory]
    [InlineData("* * *", "spec.schedule: Invalid value: \"* * *\": expected exactly 5 fields, found 3: * * *")]
    [InlineData("61 * * * *", "spec.schedule: Invalid value: \"61 * * * *\": end of range (61) above maximum (59): 61")]
    [InlineData("@sometimes", "spec.schedule: Invalid value: \"@sometimes\": unrecognized descriptor: @sometimes")]
    [InlineData("x * * * *", "spec.schedule: Invalid value: \"x * * * *\": failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax")]
    public void InvalidCronSchedule_IsExplained(string schedule, string cause)
    {
        var cj = new V1CronJob
        {
            Metadata = new V1ObjectMeta { Name = "tick" },
            Spec = new V1CronJobSpec
            {
                Schedule = schedule,
                JobTemplate = new V1JobTemplateSpec
                {
                    Spec = new V1JobSpec
                    {
                        Template = new V1PodTemplateSpec { Spec = new V1PodSpec { RestartPolicy = "Never", Containers = [new V1Container { Name = "c", Image = "busybox" }] } },
                    },
                },
            },
        };
        Assert.Equal("The CronJob \"tick\" is invalid: " + cause, Refusal(cj).KubectlMessage);
    }

    [Fact]
    public void JobWithRestartPolicyAlways_IsRefusedAsUpstreamWordsIt()
    {
        var job = new V1Job
        {
            Metadata = new V1ObjectMeta { Name = "once" },
            Spec = new V1JobSpec { Template = new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "busybox" }] } } },
        };
        Assert.Equal("The Job \"once\" is invalid: spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\"", Refusal(job).KubectlMessage);
    }

    [Fact]
    public void BadLabelValue_IsInvalid()
    {
        var pod = Some.Pod(labels: Some.Labels("app=not ok"));
        Assert.StartsWith("The Pod \"web\" is invalid: metadata.labels: Invalid value: \"not ok\": a valid label must be an empty string or consist of alphanumeric characters", Refusal(pod).KubectlMessage);
    }

    [Fact]
    public void PodSpecChanges_OtherThanImages_AreForbidden()
    {
        var server = Some.Server();
        var pod = (V1Pod)server.Create(Some.Pod()).Unwrap();
        var image = ModelCopy.Clone(pod);
        image.Spec.Containers[0].Image = "nginx:1.27";
        pod = (V1Pod)server.Update(image).Unwrap();
        var other = ModelCopy.Clone(pod);
        other.Spec.RestartPolicy = "Never";
        Assert.StartsWith("The Pod \"web\" is invalid: spec: Forbidden: pod updates may not change fields other than", server.Update(other).Error!.KubectlMessage);
    }

    [Theory]
    [InlineData(0, "http", "spec.containers[0].ports[0].containerPort: Required value")]
    [InlineData(80, "a--b", "spec.containers[0].ports[0].name: Invalid value: \"a--b\": must not contain consecutive hyphens")]
    [InlineData(80, "-web", "spec.containers[0].ports[0].name: Invalid value: \"-web\": must not begin or end with a hyphen")]
    [InlineData(80, "8080", "spec.containers[0].ports[0].name: Invalid value: \"8080\": must contain at least one letter (a-z)")]
    public void ContainerPorts_AreValidatedAsUpstream(int port, string name, string expected)
    {
        var pod = Some.Pod();
        pod.Spec.Containers[0].Ports = [new V1ContainerPort { ContainerPort = port, Name = name }];
        Assert.Equal("The Pod \"web\" is invalid: " + expected, Refusal(pod).KubectlMessage);
    }

    [Fact]
    public void CronJobTemplateWithASelector_IsRefused_SelectorsAreGenerated()
    {
        var cj = new V1CronJob
        {
            Metadata = new V1ObjectMeta { Name = "tick" },
            Spec = new V1CronJobSpec
            {
                Schedule = "*/5 * * * *",
                JobTemplate = new V1JobTemplateSpec
                {
                    Spec = new V1JobSpec
                    {
                        Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "tick" } },
                        Template = new V1PodTemplateSpec
                        {
                            Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "tick" } },
                            Spec = new V1PodSpec { RestartPolicy = "OnFailure", Containers = [new V1Container { Name = "c", Image = "busybox" }] },
                        },
                    },
                },
            },
        };
        Assert.Equal("The CronJob \"tick\" is invalid: spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"tick\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated",
            Refusal(cj).KubectlMessage);
    }

    [Fact]
    public void UnsupportedDnsPolicy_ListsTheValuesInUpstreamsOrder()
    {
        var pod = Some.Pod();
        pod.Spec.DnsPolicy = "Custom";
        Assert.Equal("The Pod \"web\" is invalid: spec.dnsPolicy: Unsupported value: \"Custom\": supported values: \"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\"", Refusal(pod).KubectlMessage);
    }

    [Theory]
    [InlineData("-1", "-1")]
    [InlineData("-100m", "-100m")]
    [InlineData("-1Ki", "-1Ki")]
    [InlineData("-1.5Gi", "-1536Mi")]
    [InlineData("-9223372036854775808", "-9223372036854775808")]
    public void NegativeRequest_IsRefusedWithTheQuantityInKubernetesCanonicalForm(string request, string shown)
    {
        var pod = Some.Pod();
        pod.Spec.Containers[0].Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(request) } };
        Assert.Equal(
            $"The Pod \"web\" is invalid: spec.containers[0].resources.requests[cpu]: Invalid value: \"{shown}\": must be greater than or equal to 0",
            Refusal(pod).KubectlMessage);
    }

    [Fact]
    public void RequestsAndLimitsPastWhatADecimalHolds_AreComparedWithoutOverflow()
    {
        var server = Some.Server();
        var pod = Some.Pod();
        pod.Spec.Containers[0].Resources = new V1ResourceRequirements
        {
            Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1e30"), ["memory"] = new("1e40") },
            Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1e30"), ["memory"] = new("1e40") },
        };
        var created = (V1Pod)server.Create(pod).Unwrap();
        Assert.Equal("Guaranteed", created.Status.QosClass);
    }

    private static V1Deployment Rolling(string surge, string unavailable)
    {
        var d = Some.Deployment();
        d.Spec.Strategy = new V1DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = surge, MaxUnavailable = unavailable } };
        return d;
    }

    [Theory]
    [InlineData("2147483648%")]
    [InlineData("99999999999999999999%")]
    public void MaxSurgePercentOfAnyLength_IsAccepted_AsIsValidPercent(string surge) =>
        Assert.True(Some.Server().Create(Rolling(surge, "0")).IsSuccess);

    [Theory]
    [InlineData("-1%")]
    [InlineData("+5%")]
    [InlineData(" 5%")]
    public void PercentWithASignOrSpace_IsNotAValidPercentString(string surge) =>
        Assert.Equal(
            $"The Deployment \"nginx\" is invalid: spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{{Type:1, IntVal:0, StrVal:\"{surge}\"}}: "
            + "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
            Refusal(Rolling(surge, "1")).KubectlMessage);

    [Fact]
    public void MaxUnavailablePercentPastInt64_IsMoreThan100Percent() =>
        Assert.Equal(
            "The Deployment \"nginx\" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"99999999999999999999%\"}: must not be greater than 100%",
            Refusal(Rolling("1", "99999999999999999999%")).KubectlMessage);
}
