using k8s.Models;
using Sim.Controllers.Job;

namespace Sim.Controllers.Tests.Job;

public class PoliciesTests
{
    private static V1Pod FailedPod(int exitCode, params string[] trueConditions) => new()
    {
        Metadata = new V1ObjectMeta { Name = "p", NamespaceProperty = "default" },
        Status = new V1PodStatus
        {
            Phase = "Failed",
            Conditions = trueConditions.Select(t => new V1PodCondition { Type = t, Status = "True" }).ToList(),
            ContainerStatuses = [new V1ContainerStatus { Name = "main", State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = exitCode } } }],
        },
    };

    private static V1PodFailurePolicy Policy(params V1PodFailurePolicyRule[] rules) => new() { Rules = rules };

    [Fact]
    public void PodFailurePolicy_FirstMatchingRuleDecides()
    {
        var policy = Policy(
            new V1PodFailurePolicyRule { Action = "Ignore", OnPodConditions = [new V1PodFailurePolicyOnPodConditionsPattern { Type = "DisruptionTarget", Status = "True" }] },
            new V1PodFailurePolicyRule { Action = "FailJob", OnExitCodes = new V1PodFailurePolicyOnExitCodesRequirement { OperatorProperty = "In", Values = [42] } },
            new V1PodFailurePolicyRule { Action = "Count", OnExitCodes = new V1PodFailurePolicyOnExitCodesRequirement { OperatorProperty = "NotIn", Values = [1] } });
        Assert.Equal(new PodFailurePolicyMatch(null, false, "Ignore"), PodFailurePolicies.Match(policy, FailedPod(42, "DisruptionTarget")));
        Assert.Equal(new PodFailurePolicyMatch("Container main for pod default/p failed with exit code 42 matching FailJob rule at index 1", true, "FailJob"),
            PodFailurePolicies.Match(policy, FailedPod(42)));
        Assert.Equal(new PodFailurePolicyMatch(null, true, "Count"), PodFailurePolicies.Match(policy, FailedPod(3)));
        Assert.Equal(new PodFailurePolicyMatch(null, true, null), PodFailurePolicies.Match(policy, FailedPod(1)));
    }

    [Fact]
    public void PodFailurePolicy_FailJobOnACondition_NamesThePodAndTheRule()
    {
        var policy = Policy(new V1PodFailurePolicyRule { Action = "FailJob", OnPodConditions = [new V1PodFailurePolicyOnPodConditionsPattern { Type = "ConfigIssue", Status = "True" }] });
        Assert.Equal("Pod default/p has condition ConfigIssue matching FailJob rule at index 0", PodFailurePolicies.Match(policy, FailedPod(1, "ConfigIssue")).FailJobMessage);
    }

    [Fact]
    public void PodFailurePolicy_ExitCodeZeroNeverMatches()
    {
        var policy = Policy(new V1PodFailurePolicyRule { Action = "FailJob", OnExitCodes = new V1PodFailurePolicyOnExitCodesRequirement { OperatorProperty = "NotIn", Values = [1] } });
        Assert.Null(PodFailurePolicies.Match(policy, FailedPod(0)).Action);
    }

    [Theory]
    [InlineData("0-2", null, "0,1,2,4", "Matched rules at index 0")]
    [InlineData("0-2", null, "0,2,4", null)]
    [InlineData("0-3", 2, "1,3", "Matched rules at index 0")]
    [InlineData(null, 3, "5,7,9", "Matched rules at index 0")]
    [InlineData(null, 4, "5,7,9", null)]
    public void SuccessPolicy_RuleIsMetByItsIndexesOrItsCount(string? indexes, int? count, string succeeded, string? expected)
    {
        var policy = new V1SuccessPolicy { Rules = [new V1SuccessPolicyRule { SucceededIndexes = indexes, SucceededCount = count }] };
        Assert.Equal(expected, SuccessPolicies.Match(policy, 10, OrderedIntervals.Parse(succeeded, 10)));
    }
}
