using k8s.Models;
using Sim.Controllers.Tests.Runtime;
using Sim.Core.Api;
using Sim.Core.Manifests;

namespace Sim.Controllers.Tests.Job;

/// <summary>What the API server refuses of a Job, in kubectl's words.</summary>
public class JobValidationTests
{
    private static string Refusal(string yaml)
    {
        var h = new ControllerHarness(_ => { });
        var loaded = ManifestLoader.LoadText(yaml, "job.yaml");
        Assert.Empty(loaded.Errors);
        var error = h.Api.Create(loaded.Documents.Single().Object).Error;
        Assert.NotNull(error);
        return error.KubectlMessage;
    }

    [Fact]
    public void Create_TemplateWithRestartPolicyAlways_IsRefused()
    {
        Assert.Equal("The Job \"j\" is invalid: spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\"",
            Refusal(Jobs.Yaml("j", "true", "Always")));
    }

    [Theory]
    [InlineData("backoffLimit")]
    [InlineData("parallelism")]
    [InlineData("completions")]
    [InlineData("activeDeadlineSeconds")]
    [InlineData("ttlSecondsAfterFinished")]
    public void Create_NegativeLimit_IsRefused(string field)
    {
        Assert.Equal($"The Job \"j\" is invalid: spec.{field}: Invalid value: -1: must be greater than or equal to 0",
            Refusal(Jobs.Yaml("j", "true", spec: $"{field}: -1")));
    }

    [Fact]
    public void Create_PodFailurePolicyWithRestartPolicyOnFailure_IsRefused()
    {
        Assert.Equal("The Job \"j\" is invalid: spec.template.spec.restartPolicy: Invalid value: \"OnFailure\": only \"Never\" is supported when podFailurePolicy is specified",
            Refusal(Jobs.Yaml("j", "true", "OnFailure", """
                podFailurePolicy:
                  rules: [{action: FailJob, onExitCodes: {operator: In, values: [1]}}]
                """)));
    }
}
