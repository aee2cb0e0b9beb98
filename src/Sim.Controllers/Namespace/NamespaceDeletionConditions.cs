using k8s.Models;
using Sim.Core.Time;

namespace Sim.Controllers.Namespace;

/// <summary>
/// The five conditions the namespace controller keeps on a terminating namespace (upstream's
/// <c>namespaceConditionUpdater</c>): each is False with its "ok" reason unless this pass found a problem of its kind.
/// </summary>
internal sealed class NamespaceDeletionConditions
{
    private static readonly (string Type, string Reason, string Message)[] Ok =
    [
        ("NamespaceDeletionDiscoveryFailure", "ResourcesDiscovered", "All resources successfully discovered"),
        ("NamespaceDeletionGroupVersionParsingFailure", "ParsedGroupVersions", "All legacy kube types successfully parsed"),
        ("NamespaceDeletionContentFailure", "ContentDeleted", "All content successfully deleted, may be waiting on finalization"),
        ("NamespaceContentRemaining", "ContentRemoved", "All content successfully removed"),
        ("NamespaceFinalizersRemaining", "ContentHasNoFinalizers", "All content-preserving finalizers finished"),
    ];

    private readonly Dictionary<string, (string Reason, string Message)> _failing = [];

    /// <summary>Records what is left after deleting everything: instances per resource and per finalizer.</summary>
    public void ContentTotals(IReadOnlyDictionary<string, int> remainingByResource, IReadOnlyDictionary<string, int> remainingByFinalizer)
    {
        if (remainingByResource.Count > 0)
        {
            // "pods. has 3 resource instances": upstream prints resource.group, so the core group leaves a bare dot.
            var items = remainingByResource.Select(r => $"{r.Key} has {r.Value} resource instances").Order(StringComparer.Ordinal);
            _failing["NamespaceContentRemaining"] = ("SomeResourcesRemain", "Some resources are remaining: " + string.Join(", ", items));
        }
        if (remainingByFinalizer.Count > 0)
        {
            var items = remainingByFinalizer.Select(f => $"{f.Key} in {f.Value} resource instances").Order(StringComparer.Ordinal);
            _failing["NamespaceFinalizersRemaining"] = ("SomeFinalizersRemain", "Some content in the namespace has finalizers remaining: " + string.Join(", ", items));
        }
    }

    /// <summary>Records the deletions that failed this pass.</summary>
    public void DeleteContentErrors(IReadOnlyCollection<string> errors)
    {
        if (errors.Count == 0) return;
        _failing["NamespaceDeletionContentFailure"] = ("ContentDeletionFailed",
            $"Failed to delete all resource types, {errors.Count} remaining: {string.Join(", ", errors.Order(StringComparer.Ordinal))}");
    }

    /// <summary>Brings <paramref name="status"/>'s conditions up to date; true when anything changed.</summary>
    public bool ApplyTo(V1NamespaceStatus status, SimTime now)
    {
        var changed = false;
        status.Conditions ??= [];
        foreach (var (type, okReason, okMessage) in Ok)
        {
            var (wantStatus, reason, message) = _failing.TryGetValue(type, out var f) ? ("True", f.Reason, f.Message) : ("False", okReason, okMessage);
            var existing = status.Conditions.FirstOrDefault(c => c.Type == type);
            if (existing is null)
            {
                status.Conditions.Add(new V1NamespaceCondition { Type = type, Status = wantStatus, Reason = reason, Message = message, LastTransitionTime = now.ToKubeTime() });
                changed = true;
            }
            else if (existing.Status != wantStatus || existing.Reason != reason || existing.Message != message)
            {
                if (existing.Status != wantStatus) existing.LastTransitionTime = now.ToKubeTime();
                existing.Status = wantStatus;
                existing.Reason = reason;
                existing.Message = message;
                changed = true;
            }
        }
        return changed;
    }
}
