using k8s.Models;

namespace Sim.Controllers.Job;

/// <summary>What a failed pod matched in the Job's pod failure policy.</summary>
/// <param name="FailJobMessage">Set when a FailJob rule matched: the Job fails with it.</param>
/// <param name="CountFailed">False when an Ignore rule matched: the failure does not count towards backoffLimit.</param>
/// <param name="Action">The matched rule's action, or null when no rule matched.</param>
internal readonly record struct PodFailurePolicyMatch(string? FailJobMessage, bool CountFailed, string? Action);

/// <summary>
/// The pod failure policy (<c>pod_failure_policy.go</c>): the rules are tried in order; the first whose exit codes
/// (of a terminated container, exit 0 never matches) or pod conditions match decides: FailJob, FailIndex, Ignore or
/// Count. No match counts the failure as usual.
/// </summary>
internal static class PodFailurePolicies
{
    private static readonly PodFailurePolicyMatch NoMatch = new(null, true, null);

    /// <summary><c>matchPodFailurePolicy</c> for <paramref name="failedPod"/>.</summary>
    public static PodFailurePolicyMatch Match(V1PodFailurePolicy? policy, V1Pod failedPod)
    {
        if (policy?.Rules is not { } rules) return NoMatch;
        var status = failedPod.Status;
        for (var index = 0; index < rules.Count; index++)
        {
            var rule = rules[index];
            if (rule.OnExitCodes is { } onExitCodes)
            {
                if (MatchOnExitCodes(status, onExitCodes) is not { } container) continue;
                switch (rule.Action)
                {
                    case "Ignore": return new(null, false, "Ignore");
                    case "Count": return new(null, true, "Count");
                    case "FailJob":
                        return new($"Container {container.Name} for pod {failedPod.Metadata.NamespaceProperty}/{failedPod.Metadata.Name} failed with exit code {container.State.Terminated.ExitCode} matching FailJob rule at index {index}", true, "FailJob");
                    // FailIndex (with backoffLimitPerIndex) counts the failure and fails the pod's index.
                    case "FailIndex": return new(null, true, "FailIndex");
                }
            }
            else if (rule.OnPodConditions is { } patterns)
            {
                if (MatchOnPodConditions(status, patterns) is not { } condition) continue;
                switch (rule.Action)
                {
                    case "Ignore": return new(null, false, "Ignore");
                    case "Count": return new(null, true, "Count");
                    case "FailJob":
                        return new($"Pod {failedPod.Metadata.NamespaceProperty}/{failedPod.Metadata.Name} has condition {condition.Type} matching FailJob rule at index {index}", true, "FailJob");
                    case "FailIndex": return new(null, true, "FailIndex");
                }
            }
        }
        return NoMatch;
    }

    // A terminated container (regular first, then init) whose non-zero exit code satisfies the requirement.
    private static V1ContainerStatus? MatchOnExitCodes(V1PodStatus? status, V1PodFailurePolicyOnExitCodesRequirement requirement) =>
        MatchingContainer(status?.ContainerStatuses, requirement) ?? MatchingContainer(status?.InitContainerStatuses, requirement);

    private static V1ContainerStatus? MatchingContainer(IList<V1ContainerStatus>? statuses, V1PodFailurePolicyOnExitCodesRequirement requirement)
    {
        if (statuses is null) return null;
        foreach (var s in statuses)
        {
            // A container still terminating has no exit code to match.
            if (s.State?.Terminated is not { } terminated) continue;
            if (requirement.ContainerName is { } name && name != s.Name) continue;
            if (terminated.ExitCode != 0 && OperatorMatches(terminated.ExitCode, requirement)) return s;
        }
        return null;
    }

    private static bool OperatorMatches(int exitCode, V1PodFailurePolicyOnExitCodesRequirement requirement)
    {
        var listed = requirement.Values?.Contains(exitCode) == true;
        return requirement.OperatorProperty switch
        {
            "In" => listed,
            "NotIn" => !listed,
            _ => false,
        };
    }

    private static V1PodCondition? MatchOnPodConditions(V1PodStatus? status, IList<V1PodFailurePolicyOnPodConditionsPattern> patterns)
    {
        if (status?.Conditions is not { } conditions) return null;
        foreach (var c in conditions)
            foreach (var p in patterns)
                if (c.Type == p.Type && c.Status == p.Status) return c;
        return null;
    }
}
