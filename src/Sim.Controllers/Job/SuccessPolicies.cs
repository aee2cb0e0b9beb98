using k8s.Models;

namespace Sim.Controllers.Job;

/// <summary>
/// An Indexed Job's success policy (<c>success_policy.go</c>): the rules are tried in order; one is met when the
/// succeeded indexes cover its succeededIndexes (or at least its succeededCount of them), or, without indexes, when
/// at least succeededCount indexes succeeded. The Job then meets its success criteria before every index is done.
/// </summary>
internal static class SuccessPolicies
{
    /// <summary><c>matchSuccessPolicy</c>: the SuccessCriteriaMet message ("Matched rules at index N") of the first rule met, or null.</summary>
    public static string? Match(V1SuccessPolicy? policy, int completions, OrderedIntervals succeeded)
    {
        if (policy?.Rules is not { } rules || succeeded.Items.Count == 0) return null;
        for (var index = 0; index < rules.Count; index++)
        {
            var rule = rules[index];
            if (rule.SucceededIndexes is { } indexes)
            {
                var required = OrderedIntervals.Parse(indexes, completions);
                // A rule whose indexes do not parse matches nothing.
                if (required.Items.Count == 0) continue;
                if (MatchSucceededIndexes(required, succeeded, rule.SucceededCount)) return $"Matched rules at index {index}";
            }
            else if (rule.SucceededCount is { } count && succeeded.Total >= count)
            {
                return $"Matched rules at index {index}";
            }
        }
        return null;
    }

    // How many of the rule's indexes succeeded, walking both interval lists once.
    private static bool MatchSucceededIndexes(OrderedIntervals rule, OrderedIntervals succeeded, int? succeededCount)
    {
        var (r, s) = (rule.Items, succeeded.Items);
        int contains = 0, ri = 0, si = 0;
        while (ri < r.Count && si < s.Count)
        {
            var overlap = Math.Min(r[ri].Last, s[si].Last) - Math.Max(r[ri].First, s[si].First) + 1;
            if (overlap > 0) contains += overlap;
            if (s[si].Last < r[ri].Last) si++;
            else if (s[si].Last > r[ri].Last) ri++;
            else
            {
                si++;
                ri++;
            }
        }
        return contains == rule.Total || (succeededCount is { } n && contains >= n);
    }
}
