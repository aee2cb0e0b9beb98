namespace Sim.Core.Api;

/// <summary>How a delete propagates to dependents (<c>metav1.DeletionPropagation</c>).</summary>
public enum PropagationPolicy
{
    /// <summary>Delete the owner now; the garbage collector deletes dependents afterwards.</summary>
    Background,
    /// <summary>Keep the owner (with a <c>foregroundDeletion</c> finalizer) until blocking dependents are gone.</summary>
    Foreground,
    /// <summary>Remove the owner's references from dependents and keep them.</summary>
    Orphan,
}

/// <summary>Options of a DELETE, as <c>metav1.DeleteOptions</c>.</summary>
public sealed record DeleteOptions
{
    /// <summary>Grace period override; null uses the object's own (pods: terminationGracePeriodSeconds).</summary>
    public long? GracePeriodSeconds { get; init; }

    /// <summary>Propagation; null uses the kind's default (Background, Orphan for Jobs).</summary>
    public PropagationPolicy? PropagationPolicy { get; init; }

    /// <summary>Only delete if the uid still matches.</summary>
    public string? PreconditionUid { get; init; }

    /// <summary>Only delete if the resourceVersion still matches.</summary>
    public string? PreconditionResourceVersion { get; init; }

    /// <summary>Validate and report without committing.</summary>
    public bool DryRun { get; init; }
}

/// <summary>Options of a LIST or WATCH.</summary>
public sealed record ListOptions
{
    /// <summary>A label selector in string form (<c>app=nginx,tier in (web)</c>).</summary>
    public string? LabelSelector { get; init; }

    /// <summary>A field selector in string form (<c>spec.nodeName=node-1</c>).</summary>
    public string? FieldSelector { get; init; }

    /// <summary>Watch: the resourceVersion to start after. Null or "0": start now, with synthetic ADDED events first.</summary>
    public string? ResourceVersion { get; init; }

    /// <summary>Watch: send ADDED events for current objects first even with a resourceVersion.</summary>
    public bool SendInitialEvents { get; init; }
}

/// <summary>Options of a CREATE or UPDATE.</summary>
public sealed record WriteOptions
{
    /// <summary>Validate and default without committing.</summary>
    public bool DryRun { get; init; }

    /// <summary>Reject unknown fields (already enforced by the decoders; kept for the HTTP facade).</summary>
    public string? FieldManager { get; init; }
}

/// <summary>The patch formats the API server understands.</summary>
public enum PatchType
{
    /// <summary>RFC 7386 JSON merge patch (<c>application/merge-patch+json</c>).</summary>
    Merge,
    /// <summary>Kubernetes strategic merge patch (<c>application/strategic-merge-patch+json</c>).</summary>
    StrategicMerge,
    /// <summary>RFC 6902 JSON patch (<c>application/json-patch+json</c>).</summary>
    Json,
    /// <summary>Server-side apply (<c>application/apply-patch+yaml</c>), treated as a strategic merge of the whole intent.</summary>
    Apply,
}
