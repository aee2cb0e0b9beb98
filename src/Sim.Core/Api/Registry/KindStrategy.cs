using k8s.Models;

namespace Sim.Core.Api.Registry;

/// <summary>
/// How the API server treats one kind, after Kubernetes' registry strategies: defaulting, create/update preparation,
/// validation, graceful deletion, default propagation and field-selector fields.
/// </summary>
internal abstract class KindStrategy
{
    public abstract ResourceKind Kind { get; }

    /// <summary>Applies API defaults; runs on every decoded write (create, update, patch), as Kubernetes' defaulters do.</summary>
    public virtual void Default(KubeObject obj) { }

    /// <summary>Create-time preparation: reset status, server-generated fields and mutating admission.</summary>
    public virtual void PrepareForCreate(KubeObject obj, StrategyContext ctx) { }

    /// <summary>Update-time preparation of a main-resource write (status is already carried over).</summary>
    public virtual void PrepareForUpdate(KubeObject obj, KubeObject old, StrategyContext ctx) { }

    /// <summary>Semantic validation of a new object (metadata is validated by the server).</summary>
    public virtual IEnumerable<FieldError> Validate(KubeObject obj) => [];

    /// <summary>Validation of an update, including immutability rules; defaults to <see cref="Validate"/>.</summary>
    public virtual IEnumerable<FieldError> ValidateUpdate(KubeObject obj, KubeObject old) => Validate(obj);

    /// <summary>Validation of a status write.</summary>
    public virtual IEnumerable<FieldError> ValidateStatusUpdate(KubeObject obj, KubeObject old) => [];

    /// <summary>
    /// Whether a status write may also change annotations (Deployment's status strategy resets only spec and labels;
    /// the deployment controller records the revision annotation that way without bumping generation).
    /// </summary>
    public virtual bool StatusUpdateCarriesAnnotations => false;

    /// <summary>The kind's name rule: null when a name is valid, else why not (an RFC 1123 subdomain unless overridden).</summary>
    public virtual string? ValidateName(string name) => Selectors.Names.ValidateDns1123Subdomain(name);

    /// <summary><see cref="ValidateName"/> as a delegate made once (every write validates the name).</summary>
    public Func<string, string?> NameValidator => _nameValidator ??= ValidateName;

    private Func<string, string?>? _nameValidator;

    /// <summary>The propagation a DELETE without one uses.</summary>
    public virtual PropagationPolicy DefaultPropagation => PropagationPolicy.Background;

    /// <summary>Graceful deletion period for this object, or null when it is deleted at once.</summary>
    public virtual long? GracePeriodSeconds(KubeObject obj, long? requested) => null;

    /// <summary>Whether the change bumps <c>metadata.generation</c>.</summary>
    public virtual bool ChangesGeneration(KubeObject obj, KubeObject old) =>
        !Serialization.ModelCopy.SemanticEquals(ModelShape.GetSpec(obj), ModelShape.GetSpec(old));

    /// <summary>The value of a kind-specific field-selector field, or null when the field is not supported.</summary>
    public virtual string? FieldValue(KubeObject obj, string field) => null;

    /// <summary>Whether the kind registers field-label conversions of its own (otherwise only metadata.name and
    /// metadata.namespace exist, and Kubernetes words a refusal differently).</summary>
    public virtual bool ConvertsFieldLabels => false;

    /// <summary>Changes made when an object starts terminating (e.g. a namespace's Terminating phase).</summary>
    public virtual void PrepareForDelete(KubeObject obj) { }

    /// <summary>
    /// Admission of a CREATE that depends on other objects (Priority resolving a pod's priorityClassName, a second
    /// default PriorityClass): null to admit, or the refusal. Runs after defaulting, before create preparation.
    /// </summary>
    public virtual ApiError? Admit(KubeObject obj, StrategyContext ctx) => null;

    /// <summary>Checks run before a DELETE is accepted (e.g. namespaces that cannot be deleted).</summary>
    public virtual ApiError? CheckDelete(KubeObject obj) => null;

    /// <summary>
    /// Validating admission of an UPDATE of the main resource that depends on other objects (PersistentVolumeClaimResize
    /// reading the claim's StorageClass): null to admit, or the refusal. Runs after validation, as validating admission
    /// runs after the registry's checks.
    /// </summary>
    public virtual ApiError? AdmitUpdate(KubeObject obj, KubeObject old, StrategyContext ctx) => null;

    /// <summary>Preparation of a status write (a PersistentVolume's lastPhaseTransitionTime).</summary>
    public virtual void PrepareForStatusUpdate(KubeObject obj, KubeObject old, StrategyContext ctx) { }
}

/// <summary>A <see cref="KindStrategy"/> over one model type.</summary>
internal abstract class KindStrategy<T> : KindStrategy where T : class, KubeObject
{
    public override ResourceKind Kind { get; } = ResourceKinds.For<T>();

    public sealed override void Default(KubeObject obj) => Default((T)obj);
    public sealed override void PrepareForCreate(KubeObject obj, StrategyContext ctx) => PrepareForCreate((T)obj, ctx);
    public sealed override void PrepareForUpdate(KubeObject obj, KubeObject old, StrategyContext ctx) => PrepareForUpdate((T)obj, (T)old, ctx);
    public sealed override IEnumerable<FieldError> Validate(KubeObject obj) => Validate((T)obj);
    public sealed override IEnumerable<FieldError> ValidateUpdate(KubeObject obj, KubeObject old) => ValidateUpdate((T)obj, (T)old);
    public sealed override IEnumerable<FieldError> ValidateStatusUpdate(KubeObject obj, KubeObject old) => ValidateStatusUpdate((T)obj, (T)old);
    public sealed override long? GracePeriodSeconds(KubeObject obj, long? requested) => GracePeriodSeconds((T)obj, requested);
    public sealed override string? FieldValue(KubeObject obj, string field) => FieldValue((T)obj, field);
    public sealed override bool ChangesGeneration(KubeObject obj, KubeObject old) => ChangesGeneration((T)obj, (T)old);
    public sealed override ApiError? AdmitUpdate(KubeObject obj, KubeObject old, StrategyContext ctx) => AdmitUpdate((T)obj, (T)old, ctx);
    public sealed override void PrepareForStatusUpdate(KubeObject obj, KubeObject old, StrategyContext ctx) => PrepareForStatusUpdate((T)obj, (T)old, ctx);

    public sealed override bool ConvertsFieldLabels { get; }

    protected KindStrategy() =>
        ConvertsFieldLabels = GetType().GetMethod(nameof(FieldValue), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance, [typeof(T), typeof(string)])!.DeclaringType != typeof(KindStrategy<T>);

    protected virtual void Default(T obj) { }
    protected virtual void PrepareForCreate(T obj, StrategyContext ctx) { }
    protected virtual void PrepareForUpdate(T obj, T old, StrategyContext ctx) { }
    protected virtual IEnumerable<FieldError> Validate(T obj) => [];
    protected virtual IEnumerable<FieldError> ValidateUpdate(T obj, T old) => Validate(obj);
    protected virtual IEnumerable<FieldError> ValidateStatusUpdate(T obj, T old) => [];
    protected virtual long? GracePeriodSeconds(T obj, long? requested) => null;
    protected virtual string? FieldValue(T obj, string field) => null;
    protected virtual bool ChangesGeneration(T obj, T old) => base.ChangesGeneration(obj, old);
    protected virtual ApiError? AdmitUpdate(T obj, T old, StrategyContext ctx) => null;
    protected virtual void PrepareForStatusUpdate(T obj, T old, StrategyContext ctx) { }
}

/// <summary>What a strategy may consult: the clock and the server's current state (for admission-like defaults).</summary>
internal sealed record StrategyContext(Time.SimTime Now, ApiServer Server);
