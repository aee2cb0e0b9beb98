using k8s.Models;
using Sim.Core.Serialization;

namespace Sim.Controllers.PodAutoscaler;

// Status: conditions, the status the controller recreates on every sync, and writing it only when it changed.
public sealed partial class HorizontalController
{
    // setCondition: adds the condition or changes it in place; its transition time moves only when its status does.
    private void SetCondition(V2HorizontalPodAutoscaler hpa, string type, string status, string reason, string message)
    {
        var conditions = hpa.Status.Conditions ??= [];
        var existing = conditions.FirstOrDefault(c => c.Type == type);
        if (existing is null)
        {
            existing = new V2HorizontalPodAutoscalerCondition { Type = type };
            conditions.Add(existing);
        }
        if (existing.Status != status) existing.LastTransitionTime = Context.Now.ToKubeTime();
        existing.Status = status;
        existing.Reason = reason;
        existing.Message = message;
    }

    // setCurrentReplicasInStatus: a failed sync updates only the current count.
    private void SetCurrentReplicasInStatus(V2HorizontalPodAutoscaler hpa, int currentReplicas) =>
        SetStatus(hpa, currentReplicas, hpa.Status.DesiredReplicas, hpa.Status.CurrentMetrics, false);

    // setStatus: the status is rebuilt from these fields (observedGeneration is not among them, as upstream).
    private void SetStatus(V2HorizontalPodAutoscaler hpa, int currentReplicas, int desiredReplicas, IList<V2MetricStatus>? metricStatuses, bool rescale)
    {
        hpa.Status = new V2HorizontalPodAutoscalerStatus
        {
            CurrentReplicas = currentReplicas,
            DesiredReplicas = desiredReplicas,
            LastScaleTime = rescale ? Context.Now.ToKubeTime() : hpa.Status.LastScaleTime,
            CurrentMetrics = metricStatuses,
            Conditions = hpa.Status.Conditions,
        };
    }

    // updateStatusIfNeeded: no write when nothing changed; a failed write is an event (and the next sync tries again).
    private async ValueTask UpdateStatusIfNeeded(V2HorizontalPodAutoscalerStatus original, V2HorizontalPodAutoscaler hpa)
    {
        if (ModelCopy.SemanticEquals(original, hpa.Status)) return;
        var written = await Client.UpdateStatus(hpa);
        if (!written.IsSuccess) _recorder.Warning(hpa, "FailedUpdateStatus", written.Error!.Message);
    }
}
