using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Serialization;

namespace Sim.Controllers.PodAutoscaler;

// reconcileAutoscaler: one sync of one HPA.
public sealed partial class HorizontalController
{
    private async ValueTask ReconcileAutoscaler(V2HorizontalPodAutoscaler shared, string key)
    {
        // A copy, never the informer's object; the status as it was, to write only what changed.
        var hpa = ModelCopy.Clone(shared);
        hpa.Status ??= new V2HorizontalPodAutoscalerStatus();
        var original = ModelCopy.Clone(hpa.Status);
        var ns = hpa.Metadata.NamespaceProperty ?? "default";
        var target = hpa.Spec.ScaleTargetRef;
        var reference = $"{target.Kind}/{ns}/{target.Name}";

        var (kind, resolveError) = ResolveTarget(target);
        if (kind is null)
        {
            await FailedGetScale(hpa, original, resolveError!);
            return;
        }
        var got = await Client.GetScale(kind, ns, target.Name);
        if (!got.IsSuccess)
        {
            await FailedGetScale(hpa, original, got.Error!.Message);
            return;
        }
        var scale = got.Value!;
        SetCondition(hpa, "AbleToScale", "True", "SucceededGetScale", "the HPA controller was able to get the target's current scale");
        var currentReplicas = scale.Spec.Replicas ?? 0;
        RecordInitialRecommendation(currentReplicas, key);

        IList<V2MetricStatus>? metricStatuses = null;
        var desiredReplicas = 0;
        var rescaleReason = "";
        var minReplicas = hpa.Spec.MinReplicas ?? 1;
        var rescale = true;

        if (currentReplicas == 0 && minReplicas != 0)
        {
            // Autoscaling is disabled for this resource.
            desiredReplicas = 0;
            rescale = false;
            SetCondition(hpa, "ScalingActive", "False", "ScalingDisabled", "scaling is disabled since the replica count of the target is zero");
        }
        else if (currentReplicas > hpa.Spec.MaxReplicas)
        {
            rescaleReason = "Current number of replicas above Spec.MaxReplicas";
            desiredReplicas = hpa.Spec.MaxReplicas;
        }
        else if (currentReplicas < minReplicas)
        {
            rescaleReason = "Current number of replicas below Spec.MinReplicas";
            desiredReplicas = minReplicas;
        }
        else
        {
            var computed = await ComputeReplicasForMetrics(hpa, scale, hpa.Spec.Metrics ?? []);
            metricStatuses = computed.Statuses;
            if (computed.Error is not null && computed.Replicas == -1)
            {
                // Nothing can be done: status and an event say why, and the next sync tries again.
                SetCurrentReplicasInStatus(hpa, currentReplicas);
                await UpdateStatusIfNeeded(original, hpa);
                _recorder.Warning(hpa, "FailedComputeMetricsReplicas", computed.Error);
                return;
            }
            var rescaleMetric = "";
            if (computed.Replicas > desiredReplicas)
            {
                desiredReplicas = computed.Replicas;
                rescaleMetric = computed.Metric;
            }
            if (desiredReplicas > currentReplicas) rescaleReason = rescaleMetric + " above target";
            if (desiredReplicas < currentReplicas) rescaleReason = "All metrics below target";
            desiredReplicas = hpa.Spec.Behavior is null
                ? NormalizeDesiredReplicas(hpa, key, currentReplicas, desiredReplicas, minReplicas)
                : NormalizeDesiredReplicasWithBehaviors(hpa, key, currentReplicas, desiredReplicas, minReplicas);
            rescale = desiredReplicas != currentReplicas;
        }

        if (rescale)
        {
            var updated = await Client.UpdateScale(kind, ns, target.Name, desiredReplicas, scale.Metadata.ResourceVersion);
            if (!updated.IsSuccess)
            {
                var error = updated.Error!.Message;
                _recorder.Warning(hpa, "FailedRescale", $"New size: {desiredReplicas}; reason: {rescaleReason}; error: {error}");
                SetCondition(hpa, "AbleToScale", "False", "FailedUpdateScale", "the HPA controller was unable to update the target scale: " + error);
                SetCurrentReplicasInStatus(hpa, currentReplicas);
                await UpdateStatusIfNeeded(original, hpa);
                return;
            }
            SetCondition(hpa, "AbleToScale", "True", "SucceededRescale", $"the HPA controller was able to update the target scale to {desiredReplicas}");
            _recorder.Normal(hpa, "SuccessfulRescale", $"New size: {desiredReplicas}; reason: {rescaleReason}");
            StoreScaleEvent(hpa.Spec.Behavior, key, currentReplicas, desiredReplicas);
        }
        else
        {
            desiredReplicas = currentReplicas;
        }
        SetStatus(hpa, currentReplicas, desiredReplicas, metricStatuses, rescale);
        await UpdateStatusIfNeeded(original, hpa);
    }

    // The scale target's kind, as the REST mapper finds it from apiVersion (its group) and kind.
    private static (ResourceKind? Kind, string? Error) ResolveTarget(V2CrossVersionObjectReference target)
    {
        var gv = target.ApiVersion ?? "";
        string group;
        if (gv.Length == 0 || gv == "/") group = "";
        else
        {
            var slashes = gv.Count(c => c == '/');
            if (slashes > 1) return (null, "unexpected GroupVersion string: " + gv);
            group = slashes == 0 ? "" : gv[..gv.IndexOf('/')];
        }
        foreach (var kind in ResourceKinds.All)
            if (kind.Group == group && kind.Kind == target.Kind) return (kind, null);
        return (null, $"no matches for kind {GoValue.Quote(target.Kind ?? "")} in group {GoValue.Quote(group)}");
    }

    private async ValueTask FailedGetScale(V2HorizontalPodAutoscaler hpa, V2HorizontalPodAutoscalerStatus original, string error)
    {
        _recorder.Warning(hpa, "FailedGetScale", error);
        SetCondition(hpa, "AbleToScale", "False", "FailedGetScale", "the HPA controller was unable to get the target's current scale: " + error);
        await UpdateStatusIfNeeded(original, hpa);
    }

    private void RecordInitialRecommendation(int currentReplicas, string key)
    {
        // The first sync records the current size, so a scale-down waits out the stabilization window after creation.
        if (!_recommendations.ContainsKey(key)) _recommendations[key] = [new TimestampedRecommendation(currentReplicas, Context.Now)];
    }
}
