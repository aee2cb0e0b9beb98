using Sim.Core.Api;
using Sim.Core.Manifests;

namespace Sim.Scenarios.Model;

/// <summary>What a step does. Each action acts through the API server as a client would.</summary>
public abstract record StepAction
{
    /// <summary>The action's name as written in the file (<c>apply</c>, <c>delete</c>...).</summary>
    public abstract string Verb { get; }
}

/// <summary>Create or update objects, as <c>kubectl apply</c> does.</summary>
/// <param name="Source">What the user wrote (a path, or "inline").</param>
/// <param name="Documents">The objects, loaded and checked at load time.</param>
public sealed record ApplyAction(string Source, IReadOnlyList<ManifestDocument> Documents) : StepAction
{
    /// <inheritdoc />
    public override string Verb => "apply";
}

/// <summary>Which objects an action targets: by name, or by label selector (first <c>Count</c> in name order).</summary>
public sealed record ObjectTarget(ResourceKind Kind, string Namespace, string? Name, string? Selector, int? Count)
{
    /// <summary>kubectl's way of naming the target: <c>deployment.apps/nginx</c> or <c>pods -l app=nginx</c>.</summary>
    public string Describe() => Name is not null
        ? $"{Kind.Singular}/{Name}"
        : $"{Kind.Plural} -l {Selector}" + (Count is { } c ? $" (first {c})" : "");
}

/// <summary>Delete objects.</summary>
public sealed record DeleteAction(ObjectTarget Target, PropagationPolicy Propagation, long? GracePeriodSeconds) : StepAction
{
    /// <inheritdoc />
    public override string Verb => "delete";
}

/// <summary>Set replicas through the scale subresource, as <c>kubectl scale</c> does.</summary>
public sealed record ScaleAction(ObjectTarget Target, int Replicas) : StepAction
{
    /// <inheritdoc />
    public override string Verb => "scale";
}

/// <summary>Change a container's image, as <c>kubectl set image</c> does.</summary>
public sealed record SetImageAction(ObjectTarget Target, string Container, string Image) : StepAction
{
    /// <inheritdoc />
    public override string Verb => "setImage";
}

/// <summary>Check the cluster's state.</summary>
public sealed record ExpectAction(IReadOnlyList<Expectation> Expectations) : StepAction
{
    /// <inheritdoc />
    public override string Verb => "expect";
}

/// <summary>Roll a Deployment back to an earlier revision, as <c>kubectl rollout undo</c> does (0 = previous).</summary>
public sealed record RollbackAction(ObjectTarget Target, long ToRevision) : StepAction
{
    /// <inheritdoc />
    public override string Verb => "rollback";
}

/// <summary>Crash a node's machine (<c>crashNode</c>) or boot it again (<c>restartNode</c>).</summary>
public sealed record NodeFaultAction(string Action, string Node) : StepAction
{
    /// <inheritdoc />
    public override string Verb => Action;
}

/// <summary>Cut the network: some endpoints off from all others, or into groups that cannot reach one another.</summary>
public sealed record PartitionAction(IReadOnlyList<string>? Isolate, IReadOnlyList<IReadOnlyList<string>>? Groups) : StepAction
{
    /// <inheritdoc />
    public override string Verb => "partition";
}

/// <summary>Restore cut links: all of them (null), or those of the given endpoints.</summary>
public sealed record HealAction(IReadOnlyList<string>? Endpoints) : StepAction
{
    /// <inheritdoc />
    public override string Verb => "heal";
}

/// <summary>Kill a running container; the kubelet sees it exit with <see cref="ExitCode"/>.</summary>
public sealed record KillContainerAction(string Namespace, string Pod, string? Container, int ExitCode) : StepAction
{
    /// <inheritdoc />
    public override string Verb => "killContainer";
}

/// <summary>A machine joins the cluster mid-run: its kubelet starts and registers the node (<c>addNode</c>).</summary>
public sealed record AddNodeAction(NodeShape Node) : StepAction
{
    /// <inheritdoc />
    public override string Verb => "addNode";
}

/// <summary><c>kubectl delete node</c>, then the machine is powered off (<c>deleteNode</c>).</summary>
public sealed record DeleteNodeAction(string Node) : StepAction
{
    /// <inheritdoc />
    public override string Verb => "deleteNode";
}
