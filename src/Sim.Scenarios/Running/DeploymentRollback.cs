using System.Globalization;
using System.Text.Json.Nodes;
using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Api.Selectors;
using Sim.Core.Serialization;
using Sim.Scenarios.Model;

namespace Sim.Scenarios;

/// <summary>
/// <c>kubectl rollout undo</c>: finds the ReplicaSet of the asked revision (0: the previous one) and patches the
/// Deployment's template back to it, exactly as kubectl's client-side rollbacker does; the controller does the rest.
/// </summary>
internal static class DeploymentRollback
{
    private const string RevisionAnnotation = "deployment.kubernetes.io/revision";

    // Annotations kubectl keeps from the Deployment rather than copying from the ReplicaSet.
    private static readonly string[] AnnotationsToSkip =
    [
        "kubectl.kubernetes.io/last-applied-configuration", RevisionAnnotation, "deployment.kubernetes.io/revision-history",
        "deployment.kubernetes.io/desired-replicas", "deployment.kubernetes.io/max-replicas", "deprecated.deployment.rollback.to",
    ];

    public static async ValueTask<ActionOutcome> Run(ApiClient api, RollbackAction action)
    {
        var t = action.Target;
        var subject = t.Kind.KubectlName(t.Name!);
        var got = await api.Get(ResourceKinds.Deployment, t.Namespace, t.Name!);
        if (!got.IsSuccess) return new ActionOutcome(false, subject, $"Error from server (NotFound): {got.Error!.Message}");
        var deployment = (V1Deployment)got.Value!;
        if (deployment.Spec.Paused == true)
            return new ActionOutcome(false, subject, $"error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/{t.Name}' and try again");
        var selector = LabelSelector.FromV1(deployment.Spec.Selector);
        var owned = ((await api.List(ResourceKinds.ReplicaSet, t.Namespace)).Value?.Items ?? []).Cast<V1ReplicaSet>()
            .Where(rs => rs.Metadata.OwnerReferences?.Any(o => o.Controller == true && o.Uid == deployment.Metadata.Uid) == true && selector.Matches(rs.Metadata.Labels))
            .ToList();
        V1ReplicaSet? target = null;
        if (action.ToRevision > 0)
        {
            target = owned.FirstOrDefault(rs => Revision(rs) == action.ToRevision);
            if (target is null) return new ActionOutcome(false, subject, $"error: unable to find specified revision {action.ToRevision} in history");
        }
        else
        {
            long latest = -1, previous = -1;
            V1ReplicaSet? latestRs = null;
            foreach (var rs in owned)
            {
                var v = Revision(rs);
                if (v > latest)
                {
                    previous = latest;
                    target = latestRs;
                    latest = v;
                    latestRs = rs;
                }
                else if (v > previous)
                {
                    previous = v;
                    target = rs;
                }
            }
            if (previous == -1 || target is null) return new ActionOutcome(false, subject, $"error: no rollout history found for deployment {GoValue.Quote(t.Name ?? "")}");
        }
        var template = ModelCopy.Clone(target.Spec.Template);
        template.Metadata?.Labels?.Remove("pod-template-hash");
        if (ModelCopy.SemanticEquals(template, deployment.Spec.Template))
            // kubectl names the revision asked for (0 when --to-revision is left out), not the one it matched.
            return new ActionOutcome(true, subject, $"skipped rollback (current template already matches revision {action.ToRevision})");
        var annotations = new JsonObject();
        foreach (var k in AnnotationsToSkip)
            if (deployment.Metadata.Annotations?.TryGetValue(k, out var v) == true) annotations[k] = v;
        foreach (var (k, v) in target.Metadata.Annotations ?? new Dictionary<string, string>())
            if (!AnnotationsToSkip.Contains(k)) annotations[k] = v;
        var patch = new JsonArray(
            new JsonObject { ["op"] = "replace", ["path"] = "/spec/template", ["value"] = JsonNode.Parse(KubeJson.Serialize(template)) },
            new JsonObject { ["op"] = "replace", ["path"] = "/metadata/annotations", ["value"] = annotations });
        var result = await api.Patch(ResourceKinds.Deployment, t.Namespace, t.Name!, PatchType.Json, patch.ToJsonString());
        return result.IsSuccess
            ? new ActionOutcome(true, subject, "rolled back")
            : new ActionOutcome(false, subject, $"Error from server ({result.Error!.Reason}): {result.Error.KubectlMessage}");
    }

    private static long Revision(V1ReplicaSet rs) =>
        rs.Metadata.Annotations?.TryGetValue(RevisionAnnotation, out var v) == true && long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
}
