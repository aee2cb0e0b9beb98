using k8s.Models;

namespace Sim.Core.Api;

/// <summary>
/// A refused request, as the values of a Kubernetes <c>metav1.Status</c>: HTTP code, reason and message in
/// Kubernetes' words. Expected outcomes (NotFound, Conflict, Invalid...) are values, not exceptions.
/// </summary>
public sealed record ApiError(int Code, string Reason, string Message)
{
    /// <summary>The object's name, when the error is about one object.</summary>
    public string? Name { get; init; }

    /// <summary>The kind's group, when known.</summary>
    public string? Group { get; init; }

    /// <summary>The kind (Invalid errors) or plural resource (others), as Kubernetes fills <c>details.kind</c>.</summary>
    public string? Kind { get; init; }

    /// <summary>Field-level causes of an Invalid error.</summary>
    public IReadOnlyList<FieldError> Causes { get; init; } = [];

    /// <summary>
    /// The create was refused because its namespace is being deleted (Kubernetes' <c>NamespaceTerminating</c> status
    /// cause): controllers neither record it as a failure nor retry it.
    /// </summary>
    public bool NamespaceTerminating { get; init; }

    /// <summary>Seconds after which a client may retry, for Timeout and TooManyRequests.</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>404 NotFound: <c>deployments.apps "x" not found</c>.</summary>
    public static ApiError NotFound(ResourceKind kind, string name) =>
        new(404, "NotFound", $"{kind.GroupResource} {GoValue.Quote(name)} not found") { Name = name, Group = kind.Group, Kind = kind.Plural };

    /// <summary>409 AlreadyExists: <c>deployments.apps "x" already exists</c>.</summary>
    public static ApiError AlreadyExists(ResourceKind kind, string name) =>
        new(409, "AlreadyExists", $"{kind.GroupResource} {GoValue.Quote(name)} already exists") { Name = name, Group = kind.Group, Kind = kind.Plural };

    /// <summary>409 Conflict for a stale resourceVersion, with Kubernetes' exact message.</summary>
    public static ApiError Conflict(ResourceKind kind, string name) =>
        ConflictBecause(kind, name, "the object has been modified; please apply your changes to the latest version and try again");

    /// <summary>409 Conflict with another explanation.</summary>
    public static ApiError ConflictBecause(ResourceKind kind, string name, string why, string? resource = null) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {resource ?? kind.GroupResource} {GoValue.Quote(name)}: {why}") { Name = name, Group = kind.Group, Kind = resource ?? kind.Plural };

    /// <summary>422 Invalid: <c>Deployment.apps "x" is invalid: ...</c>.</summary>
    public static ApiError Invalid(ResourceKind kind, string name, IReadOnlyList<FieldError> errors) =>
        new(422, "Invalid", $"{kind.GroupKind} {GoValue.Quote(name)} is invalid: {Aggregate(errors)}")
        { Name = name, Group = kind.Group, Kind = kind.Kind, Causes = errors };

    /// <summary>400 BadRequest.</summary>
    public static ApiError BadRequest(string message) => new(400, "BadRequest", message);

    /// <summary>403 Forbidden.</summary>
    public static ApiError Forbidden(ResourceKind kind, string name, string why) =>
        new(403, "Forbidden", $"{kind.GroupResource} {GoValue.Quote(name)} is forbidden: {why}") { Name = name, Group = kind.Group, Kind = kind.Plural };

    /// <summary>410 Gone for a watch from a compacted resourceVersion.</summary>
    public static ApiError Expired(long requested, long oldest) =>
        new(410, "Expired", $"too old resource version: {requested} ({oldest})");

    /// <summary>504 Timeout, e.g. when the control plane has no quorum.</summary>
    public static ApiError Timeout(string message) => new(504, "Timeout", message) { RetryAfterSeconds = 1 };

    /// <summary>500 InternalError.</summary>
    public static ApiError Internal(string message) => new(500, "InternalError", message);

    /// <summary>
    /// No answer at all (code 0, no Status): the client gave up waiting, as client-go does when the connection to the
    /// server is dead (a partition, a crashed server).
    /// </summary>
    public static ApiError Unreachable(string message) => new(0, "", message);

    /// <summary>True for a client-side failure (<see cref="Unreachable"/>).</summary>
    public bool IsUnreachable => Code == 0;

    /// <summary>The message as <c>kubectl</c> prints it: Invalid errors as <c>The Deployment "x" is invalid: ...</c>.</summary>
    public string KubectlMessage => Reason == "Invalid" && Kind is not null
        ? $"The {Kind} {GoValue.Quote(Name ?? "")} is invalid: {Aggregate(Causes)}"
        : Message;

    /// <summary>Kubernetes' aggregate rendering: one error bare, several as <c>[a, b]</c>.</summary>
    public static string Aggregate(IReadOnlyList<FieldError> errors) =>
        errors.Count == 1 ? errors[0].ToString() : "[" + string.Join(", ", errors.Select(e => e.ToString())) + "]";

    /// <summary>This error as the <c>metav1.Status</c> the API returns.</summary>
    public V1Status ToStatus() => new()
    {
        ApiVersion = "v1",
        Kind = "Status",
        Metadata = new V1ListMeta(),
        Status = "Failure",
        Message = Message,
        Reason = Reason,
        Code = Code,
        Details = Name is null && Causes.Count == 0 && RetryAfterSeconds is null ? null : new V1StatusDetails
        {
            Name = Name,
            Group = string.IsNullOrEmpty(Group) ? null : Group,
            Kind = Kind,
            RetryAfterSeconds = RetryAfterSeconds,
            Causes = Causes.Count == 0 ? null : Causes.Select(c => new V1StatusCause { Reason = c.CauseReason, Message = c.Body, Field = c.Field }).ToList(),
        },
    };

    /// <inheritdoc />
    public override string ToString() => $"{Reason} ({Code}): {Message}";
}
