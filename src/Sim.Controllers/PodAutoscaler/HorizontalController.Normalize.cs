using k8s.Models;
using Sim.Core.Time;

namespace Sim.Controllers.PodAutoscaler;

// Normalization: stabilization windows, scale rate limits and the min/max clamp, with and without spec.behavior.
public sealed partial class HorizontalController
{
    // stabilizeRecommendation: the highest recommendation of the downscale window (this one included) wins, and this
    // one replaces the oldest sample that fell out of the window.
    private int StabilizeRecommendation(string key, int prenormalizedDesiredReplicas)
    {
        var now = Context.Now;
        var max = prenormalizedDesiredReplicas;
        var cutoff = now - DownscaleStabilizationWindow;
        var recommendations = _recommendations[key];
        var oldIndex = -1;
        for (var i = 0; i < recommendations.Count; i++)
        {
            if (recommendations[i].Timestamp < cutoff) oldIndex = i;
            else if (recommendations[i].Recommendation > max) max = recommendations[i].Recommendation;
        }
        var sample = new TimestampedRecommendation(prenormalizedDesiredReplicas, now);
        if (oldIndex >= 0) recommendations[oldIndex] = sample;
        else recommendations.Add(sample);
        return max;
    }

    // normalizeDesiredReplicas: without spec.behavior, stabilize downscales over 300 s, then clamp to the minimum and to
    // min(maxReplicas, max(2 x current, 4)).
    private int NormalizeDesiredReplicas(V2HorizontalPodAutoscaler hpa, string key, int currentReplicas, int prenormalizedDesiredReplicas, int minReplicas)
    {
        var stabilized = StabilizeRecommendation(key, prenormalizedDesiredReplicas);
        if (stabilized != prenormalizedDesiredReplicas)
            SetCondition(hpa, "AbleToScale", "True", "ScaleDownStabilized", "recent recommendations were higher than current one, applying the highest recent recommendation");
        else
            SetCondition(hpa, "AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size");
        var (desired, reason, message) = ConvertDesiredReplicasWithRules(currentReplicas, stabilized, minReplicas, hpa.Spec.MaxReplicas);
        SetCondition(hpa, "ScalingLimited", desired == stabilized ? "False" : "True", reason, message);
        return desired;
    }

    // convertDesiredReplicasWithRules: the legacy limits.
    private static (int Desired, string Reason, string Message) ConvertDesiredReplicasWithRules(int currentReplicas, int desiredReplicas, int minReplicas, int maxReplicas)
    {
        // Do not scale up too much at once: a bogus usage report once took a cluster from a few replicas to its maximum.
        var scaleUpLimit = (int)Math.Max(ScaleUpLimitFactor * currentReplicas, ScaleUpLimitMinimum);
        int maximumAllowed;
        string reason, message;
        if (maxReplicas > scaleUpLimit)
        {
            maximumAllowed = scaleUpLimit;
            reason = "ScaleUpLimit";
            message = "the desired replica count is increasing faster than the maximum scale rate";
        }
        else
        {
            maximumAllowed = maxReplicas;
            reason = "TooManyReplicas";
            message = "the desired replica count is more than the maximum replica count";
        }
        if (desiredReplicas < minReplicas) return (minReplicas, "TooFewReplicas", "the desired replica count is less than the minimum replica count");
        if (desiredReplicas > maximumAllowed) return (maximumAllowed, reason, message);
        return (desiredReplicas, "DesiredWithinRange", "the desired count is within the acceptable range");
    }

    // normalizeDesiredReplicasWithBehaviors: the stabilization windows, then the policies' rate limits, then the clamp.
    private int NormalizeDesiredReplicasWithBehaviors(V2HorizontalPodAutoscaler hpa, string key, int currentReplicas, int prenormalizedDesiredReplicas, int minReplicas)
    {
        var behavior = hpa.Spec.Behavior;
        var up = behavior.ScaleUp ?? new V2HPAScalingRules();
        var down = behavior.ScaleDown ?? new V2HPAScalingRules();
        // maybeInitScaleDownStabilizationWindow: an unset scale-down window is the controller's flag (300 s).
        var downWindow = down.StabilizationWindowSeconds ?? (int)DownscaleStabilizationWindow.WholeSeconds;
        var upWindow = up.StabilizationWindowSeconds ?? 0;
        var (stabilized, reason, message) = StabilizeRecommendationWithBehaviors(key, currentReplicas, prenormalizedDesiredReplicas, upWindow, downWindow);
        if (stabilized != prenormalizedDesiredReplicas) SetCondition(hpa, "AbleToScale", "True", reason, message);
        else SetCondition(hpa, "AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size");
        var (desired, limitReason, limitMessage) = ConvertDesiredReplicasWithBehaviorRate(key, currentReplicas, stabilized, minReplicas, hpa.Spec.MaxReplicas, up, down);
        SetCondition(hpa, "ScalingLimited", desired == stabilized ? "False" : "True", limitReason, limitMessage);
        return desired;
    }

    // stabilizeRecommendationWithBehaviors: scaling up takes the lowest recommendation of the up window, scaling down the
    // highest of the down window; the current count is brought within those limits.
    private (int Recommendation, string Reason, string Message) StabilizeRecommendationWithBehaviors(string key, int currentReplicas, int desiredReplicas, int upWindowSeconds, int downWindowSeconds)
    {
        var now = Context.Now;
        var upRecommendation = desiredReplicas;
        var upCutoff = now - SimDuration.FromSeconds(upWindowSeconds);
        var downRecommendation = desiredReplicas;
        var downCutoff = now - SimDuration.FromSeconds(downWindowSeconds);
        var recommendations = _recommendations[key];
        var oldIndex = -1;
        for (var i = 0; i < recommendations.Count; i++)
        {
            var rec = recommendations[i];
            if (rec.Timestamp > upCutoff) upRecommendation = Math.Min(rec.Recommendation, upRecommendation);
            if (rec.Timestamp > downCutoff) downRecommendation = Math.Max(rec.Recommendation, downRecommendation);
            if (rec.Timestamp < upCutoff && rec.Timestamp < downCutoff) oldIndex = i;
        }
        var recommendation = currentReplicas;
        if (recommendation < upRecommendation) recommendation = upRecommendation;
        if (recommendation > downRecommendation) recommendation = downRecommendation;
        var sample = new TimestampedRecommendation(desiredReplicas, now);
        if (oldIndex >= 0) recommendations[oldIndex] = sample;
        else recommendations.Add(sample);
        return desiredReplicas >= currentReplicas
            ? (recommendation, "ScaleUpStabilized", "recent recommendations were lower than current one, applying the lowest recent recommendation")
            : (recommendation, "ScaleDownStabilized", "recent recommendations were higher than current one, applying the highest recent recommendation");
    }

    // convertDesiredReplicasWithBehaviorRate: how far the policies let the count move from where each period started.
    private (int Desired, string Reason, string Message) ConvertDesiredReplicasWithBehaviorRate(string key, int currentReplicas, int desiredReplicas,
        int minReplicas, int maxReplicas, V2HPAScalingRules up, V2HPAScalingRules down)
    {
        var upEvents = _scaleUpEvents.GetValueOrDefault(key) ?? [];
        var downEvents = _scaleDownEvents.GetValueOrDefault(key) ?? [];
        if (desiredReplicas > currentReplicas)
        {
            // Until the scale-up events age out, no further scale-up.
            var scaleUpLimit = Math.Max(CalculateScaleUpLimitWithScalingRules(currentReplicas, upEvents, downEvents, up), currentReplicas);
            int maximumAllowed;
            string reason, message;
            if (maxReplicas > scaleUpLimit)
            {
                maximumAllowed = scaleUpLimit;
                reason = "ScaleUpLimit";
                message = "the desired replica count is increasing faster than the maximum scale rate";
            }
            else
            {
                maximumAllowed = maxReplicas;
                reason = "TooManyReplicas";
                message = "the desired replica count is more than the maximum replica count";
            }
            if (desiredReplicas > maximumAllowed) return (maximumAllowed, reason, message);
        }
        else if (desiredReplicas < currentReplicas)
        {
            var scaleDownLimit = Math.Min(CalculateScaleDownLimitWithBehaviors(currentReplicas, upEvents, downEvents, down), currentReplicas);
            int minimumAllowed;
            string reason, message;
            if (minReplicas < scaleDownLimit)
            {
                minimumAllowed = scaleDownLimit;
                reason = "ScaleDownLimit";
                message = "the desired replica count is decreasing faster than the maximum scale rate";
            }
            else
            {
                minimumAllowed = minReplicas;
                reason = "TooFewReplicas";
                message = "the desired replica count is less than the minimum replica count";
            }
            if (desiredReplicas < minimumAllowed) return (minimumAllowed, reason, message);
        }
        return (desiredReplicas, "DesiredWithinRange", "the desired count is within the acceptable range");
    }

    private int ReplicasChangePerPeriod(int periodSeconds, List<TimestampedScaleEvent> events)
    {
        var cutoff = Context.Now - SimDuration.FromSeconds(periodSeconds);
        var replicas = 0;
        foreach (var e in events)
            if (e.Timestamp > cutoff) replicas += e.ReplicaChange;
        return replicas;
    }

    private int CalculateScaleUpLimitWithScalingRules(int currentReplicas, List<TimestampedScaleEvent> upEvents, List<TimestampedScaleEvent> downEvents, V2HPAScalingRules rules)
    {
        var select = rules.SelectPolicy ?? "Max";
        if (select == "Disabled") return currentReplicas;
        // For scaling up, the Min policy picks the smallest proposal, Max (the default) the largest.
        var min = select == "Min";
        var result = min ? int.MaxValue : int.MinValue;
        foreach (var policy in rules.Policies ?? [])
        {
            var periodStart = currentReplicas - ReplicasChangePerPeriod(policy.PeriodSeconds, upEvents) + ReplicasChangePerPeriod(policy.PeriodSeconds, downEvents);
            var proposed = policy.Type switch
            {
                "Pods" => periodStart + policy.Value,
                // Rounded up: a proposal that does not add a replica would never scale up.
                "Percent" => (int)Math.Ceiling(periodStart * (1 + policy.Value / 100.0)),
                _ => 0,
            };
            result = min ? Math.Min(result, proposed) : Math.Max(result, proposed);
        }
        return result;
    }

    private int CalculateScaleDownLimitWithBehaviors(int currentReplicas, List<TimestampedScaleEvent> upEvents, List<TimestampedScaleEvent> downEvents, V2HPAScalingRules rules)
    {
        var select = rules.SelectPolicy ?? "Max";
        if (select == "Disabled") return currentReplicas;
        // For scaling down, the Min policy (the smallest change) gives the highest bound, Max the lowest.
        var min = select == "Min";
        var result = min ? int.MinValue : int.MaxValue;
        foreach (var policy in rules.Policies ?? [])
        {
            var periodStart = currentReplicas - ReplicasChangePerPeriod(policy.PeriodSeconds, upEvents) + ReplicasChangePerPeriod(policy.PeriodSeconds, downEvents);
            var proposed = policy.Type switch
            {
                "Pods" => periodStart - policy.Value,
                "Percent" => (int)(periodStart * (1 - policy.Value / 100.0)),
                _ => 0,
            };
            result = min ? Math.Max(result, proposed) : Math.Min(result, proposed);
        }
        return result;
    }

    // storeScaleEvent: with spec.behavior, each rescale is remembered (reusing a slot older than the longest policy period).
    private void StoreScaleEvent(V2HorizontalPodAutoscalerBehavior? behavior, string key, int previousReplicas, int newReplicas)
    {
        if (behavior is null) return;
        var scalingUp = newReplicas > previousReplicas;
        var rules = (scalingUp ? behavior.ScaleUp : behavior.ScaleDown) ?? new V2HPAScalingRules();
        var events = (scalingUp ? _scaleUpEvents : _scaleDownEvents) is var map && map.TryGetValue(key, out var list) ? list : map[key] = [];
        var longest = (rules.Policies ?? []).Select(p => p.PeriodSeconds).DefaultIfEmpty(0).Max();
        var cutoff = Context.Now - SimDuration.FromSeconds(longest);
        var oldIndex = -1;
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i].Timestamp < cutoff) events[i] = events[i] with { Outdated = true };
            if (events[i].Outdated) oldIndex = i;
        }
        var change = scalingUp ? newReplicas - previousReplicas : previousReplicas - newReplicas;
        var fresh = new TimestampedScaleEvent(change, Context.Now, false);
        if (oldIndex >= 0) events[oldIndex] = fresh;
        else events.Add(fresh);
    }
}
