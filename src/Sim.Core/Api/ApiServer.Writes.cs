using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Sim.Core.Api.Patch;
using Sim.Core.Api.Registry;
using Sim.Core.Serialization;
using Sim.Core.Time;

namespace Sim.Core.Api;

public sealed partial class ApiServer
{
    /// <summary>
    /// CREATE: defaulting, admission, name generation, validation, then commit with a fresh uid, creationTimestamp,
    /// resourceVersion and (for workload kinds) generation 1.
    /// </summary>
    public ApiResult<KubeObject> Create(KubeObject obj, WriteOptions? options = null) => CreateCore(obj, options, admitOnly: false);

    /// <summary>
    /// Defaults and validates a copy of <paramref name="obj"/> as a CREATE would, without the namespace and existence
    /// checks that depend on the cluster; null when it would be accepted.
    /// </summary>
    public ApiError? ValidateForCreate(KubeObject obj)
    {
        var result = CreateCore(ModelCopy.Clone(obj), new WriteOptions { DryRun = true }, admitOnly: true);
        return result.Error;
    }

    private ApiResult<KubeObject> CreateCore(KubeObject obj, WriteOptions? options, bool admitOnly)
    {
        // A request body is JSON, which cannot put a C# null where Go holds a value: read such nulls as the zero value.
        ModelNulls.Fill(obj);
        obj = Conversion.ToStoredVersion(obj);
        var kind = ResourceKinds.ForType(obj.GetType());
        var strategy = StrategyFor(kind);
        var meta = obj.Metadata ??= new V1ObjectMeta();
        obj.ApiVersion = kind.ApiVersion;
        obj.Kind = kind.Kind;
        meta.NamespaceProperty = kind.Namespaced ? (string.IsNullOrEmpty(meta.NamespaceProperty) ? "default" : meta.NamespaceProperty) : null;
        var displayName = string.IsNullOrEmpty(meta.Name) ? meta.GenerateName ?? "" : meta.Name;
        if (!string.IsNullOrEmpty(meta.ResourceVersion))
            return ApiError.BadRequest("resourceVersion should not be set on objects to be created");

        if (kind.Namespaced && kind != ResourceKinds.Event && !admitOnly)
        {
            var ns = _store.Get(ResourceKinds.Namespace, "", meta.NamespaceProperty!);
            if (ns is null) return ApiError.NotFound(ResourceKinds.Namespace, meta.NamespaceProperty!);
            if (ns.Metadata.DeletionTimestamp is not null)
                return ApiError.Forbidden(kind, displayName, $"unable to create new content in namespace {meta.NamespaceProperty} because it is being terminated") with { NamespaceTerminating = true };
        }

        // The uid is assigned first: some kinds derive fields from it (a Job's generated selector).
        meta.Uid = options?.DryRun == true ? "00000000-0000-0000-0000-000000000000" : NewUid();
        strategy.Default(obj);
        // Admission that reads other objects is left out of a validate-only create, which has no cluster behind it.
        if (!admitOnly && strategy.Admit(obj, Context) is { } refused) return refused;
        strategy.PrepareForCreate(obj, Context);
        if (kind.HasStatus && ModelShape.GetStatus(obj) is null) ModelShape.ResetStatus(obj);
        meta.Generation = kind.HasGeneration ? 1 : null;
        meta.CreationTimestamp = null;
        meta.DeletionTimestamp = null;
        meta.DeletionGracePeriodSeconds = null;
        meta.ManagedFields = null;
        meta.SelfLink = null;

        var generated = string.IsNullOrEmpty(meta.Name) && !string.IsNullOrEmpty(meta.GenerateName);
        if (generated)
        {
            // Kubernetes retries a generated name that collides (RetryGenerateName, GA in 1.31).
            for (var attempt = 0; attempt < 8; attempt++)
            {
                meta.Name = GenerateName(meta.GenerateName!);
                if (_store.Get(kind, meta.NamespaceProperty ?? "", meta.Name) is null) break;
            }
        }

        var errors = ObjectMetaValidation.Validate(meta, kind, strategy.NameValidator).Concat(strategy.Validate(obj)).ToList();
        if (errors.Count > 0) return ApiError.Invalid(kind, meta.Name ?? displayName, errors);

        if (!admitOnly && _store.Get(kind, meta.NamespaceProperty ?? "", meta.Name!) is not null)
            return ApiError.AlreadyExists(kind, meta.Name!);
        if (options?.DryRun == true) return ApiResult<KubeObject>.Ok(obj);

        meta.CreationTimestamp = Loop.Now.ToKubeTime();
        return CommitOk(kind, WatchEventType.Added, obj, null);
    }

    /// <summary>
    /// UPDATE of the main resource: status changes are ignored for kinds with a status subresource; a stale
    /// resourceVersion gets 409 Conflict; a write that changes nothing commits nothing.
    /// </summary>
    public ApiResult<KubeObject> Update(KubeObject obj, WriteOptions? options = null) => UpdateCore(obj, statusOnly: false, options);

    /// <summary>UPDATE of the status subresource: only status changes are kept.</summary>
    public ApiResult<KubeObject> UpdateStatus(KubeObject obj, WriteOptions? options = null) => UpdateCore(obj, statusOnly: true, options);

    private ApiResult<KubeObject> UpdateCore(KubeObject obj, bool statusOnly, WriteOptions? options)
    {
        ModelNulls.Fill(obj);
        obj = Conversion.ToStoredVersion(obj);
        var kind = ResourceKinds.ForType(obj.GetType());
        var strategy = StrategyFor(kind);
        var meta = obj.Metadata ??= new V1ObjectMeta();
        var name = meta.Name ?? "";
        if (name.Length == 0) return ApiError.BadRequest("name is required");
        var existing = _store.Get(kind, ScopeNamespace(kind, meta.NamespaceProperty), name);
        if (existing is null) return ApiError.NotFound(kind, name);
        var old = existing.Metadata;
        if (!string.IsNullOrEmpty(meta.ResourceVersion) && meta.ResourceVersion != old.ResourceVersion)
            return ApiError.Conflict(kind, name);
        if (!string.IsNullOrEmpty(meta.Uid) && meta.Uid != old.Uid)
            return ApiError.ConflictBecause(kind, name, $"Precondition failed: UID in precondition: {meta.Uid}, UID in object meta: {old.Uid}");

        obj.ApiVersion = kind.ApiVersion;
        obj.Kind = kind.Kind;
        if (statusOnly)
        {
            // The status subresource changes status only: everything else comes from the stored object.
            var status = ModelShape.GetStatus(obj);
            var annotations = meta.Annotations;
            // Everything but status and metadata is shared with the stored version: stored objects never change.
            var copy = ModelCopy.ShallowCopy(existing);
            copy.Metadata = ModelCopy.ShallowCopy(existing.Metadata);
            ModelShape.SetStatus(copy, status);
            if (strategy.StatusUpdateCarriesAnnotations) copy.Metadata.Annotations = annotations;
            obj = copy;
            meta = obj.Metadata;
            strategy.PrepareForStatusUpdate(obj, existing, Context);
        }
        else
        {
            if (kind.HasStatus) ModelShape.SetStatus(obj, ModelShape.GetStatus(existing));
            meta.NamespaceProperty = old.NamespaceProperty;
            meta.Uid = old.Uid;
            meta.CreationTimestamp = old.CreationTimestamp;
            meta.DeletionTimestamp = old.DeletionTimestamp;
            meta.DeletionGracePeriodSeconds = old.DeletionGracePeriodSeconds;
            meta.GenerateName ??= old.GenerateName;
            meta.ManagedFields = null;
            meta.SelfLink = null;
            // Read back from etcd, an emptied list is no list (Go's omitempty): a patch deleting the last owner
            // reference or finalizer leaves the field absent, not [].
            if (meta.OwnerReferences is { Count: 0 }) meta.OwnerReferences = null;
            if (meta.Finalizers is { Count: 0 }) meta.Finalizers = null;
            strategy.Default(obj);
            strategy.PrepareForUpdate(obj, existing, Context);
        }
        meta.ResourceVersion = old.ResourceVersion;
        meta.Generation = old.Generation;

        var errors = statusOnly
            ? strategy.ValidateStatusUpdate(obj, existing).ToList()
            : ObjectMetaValidation.Validate(meta, kind, strategy.NameValidator).Concat(strategy.ValidateUpdate(obj, existing)).ToList();
        if (!statusOnly && old.DeletionTimestamp is not null && meta.Finalizers is not null && old.Finalizers is not null
            && meta.Finalizers.Except(old.Finalizers).Any())
            errors.Add(FieldError.Forbidden("metadata.finalizers", "no new finalizers can be added if the object is being deleted, found new finalizers " + GoValue.Format(new GoLiteral("[]string{" + string.Join(", ", meta.Finalizers.Except(old.Finalizers).Select(f => GoValue.Quote(f))) + "}"))));
        if (errors.Count > 0) return ApiError.Invalid(kind, name, errors);
        if (!statusOnly && strategy.AdmitUpdate(obj, existing, Context) is { } refused) return refused;

        if (kind.HasGeneration && !statusOnly && strategy.ChangesGeneration(obj, existing))
            meta.Generation = (old.Generation ?? 0) + 1;

        if (ModelCopy.SemanticEquals(obj, existing)) return ApiResult<KubeObject>.Ok(existing);
        if (options?.DryRun == true) return ApiResult<KubeObject>.Ok(obj);

        if (ShouldDeleteDuringUpdate(obj))
            return CommitOk(kind, WatchEventType.Deleted, obj, existing);
        return CommitOk(kind, WatchEventType.Modified, obj, existing);
    }

    // An object being deleted whose grace period is over and whose last finalizer is gone disappears on this write.
    private static bool ShouldDeleteDuringUpdate(KubeObject obj) =>
        obj.Metadata.DeletionTimestamp is not null
        && (obj.Metadata.Finalizers is null || obj.Metadata.Finalizers.Count == 0)
        && (obj.Metadata.DeletionGracePeriodSeconds ?? 0) == 0
        && obj is not V1Namespace { Spec.Finalizers.Count: > 0 };

    /// <summary>PATCH an object (or its status) with a merge, strategic merge, JSON or apply patch.</summary>
    public ApiResult<KubeObject> Patch(ResourceKind kind, string? ns, string name, PatchType type, string patch, bool status = false)
    {
        var existing = _store.Get(kind, ScopeNamespace(kind, ns), name);
        if (existing is null) return ApiError.NotFound(kind, name);
        JsonNode current = JsonNode.Parse(KubeJson.Serialize(existing))!;
        JsonNode? patched;
        try
        {
            var patchNode = type == PatchType.Apply ? Manifests.YamlToJson.ConvertUntyped(patch) : JsonNode.Parse(patch);
            patched = type switch
            {
                PatchType.Merge => MergePatch.Apply(current, patchNode),
                PatchType.Json => JsonPatch.Apply(current, patchNode),
                _ => StrategicMergePatch.Apply(current, patchNode, kind.ModelType),
            };
        }
        catch (PatchException e)
        {
            return e.Code == 422 ? new ApiError(422, "Invalid", e.Message) : ApiError.BadRequest(e.Message);
        }
        catch (System.Text.Json.JsonException e)
        {
            return ApiError.BadRequest($"error decoding patch: {e.Message}");
        }
        catch (Manifests.YamlReadException e)
        {
            return ApiError.BadRequest($"error decoding YAML: {e.Message}");
        }
        if (patched is null) return ApiError.BadRequest("the patch removed the whole object");
        if (StrictDecoder.FirstUnknownField(patched, kind.ModelType) is { } unknown)
            return ApiError.BadRequest($"{kind.Kind} in version \"{kind.Version}\" cannot be handled as a {kind.Kind}: strict decoding error: unknown field \"{unknown}\"");
        KubeObject obj;
        try
        {
            obj = (KubeObject)System.Text.Json.JsonSerializer.Deserialize(patched, kind.ModelType, KubeJson.Options)!;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or InvalidOperationException)
        {
            return ApiError.BadRequest($"{kind.Kind} in version \"{kind.Version}\" cannot be handled as a {kind.Kind}: {e.Message}");
        }
        if (obj.Metadata?.Name != name)
            return ApiError.BadRequest($"the name of the object ({obj.Metadata?.Name}) does not match the name on the URL ({name})");
        return status ? UpdateStatus(obj) : Update(obj);
    }

    /// <summary>
    /// DELETE: pods bound to a node are deleted gracefully (marked with deletionTimestamp until the kubelet confirms);
    /// objects with finalizers are only marked; Foreground/Orphan propagation adds its finalizer for the garbage collector.
    /// </summary>
    public ApiResult<KubeObject> Delete(ResourceKind kind, string? ns, string name, DeleteOptions? options = null)
    {
        options ??= new DeleteOptions();
        var existing = _store.Get(kind, ScopeNamespace(kind, ns), name);
        if (existing is null) return ApiError.NotFound(kind, name);
        var strategy = StrategyFor(kind);
        var old = existing.Metadata;
        if (options.PreconditionUid is { } uid && uid != old.Uid)
            return ApiError.ConflictBecause(kind, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {old.Uid}");
        if (options.PreconditionResourceVersion is { } rv && rv != old.ResourceVersion)
            return ApiError.ConflictBecause(kind, name, $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {old.ResourceVersion}");
        if (strategy.CheckDelete(existing) is { } refused) return refused;
        if (options.DryRun) return ApiResult<KubeObject>.Ok(existing);

        // The deleted (or marked) version shares everything with the stored one but its metadata, whose finalizers
        // list is replaced, never edited.
        var next = ModelCopy.ShallowCopy(existing);
        next.Metadata = ModelCopy.ShallowCopy(existing.Metadata);
        var meta = next.Metadata;
        var changed = false;
        var propagation = options.PropagationPolicy ?? strategy.DefaultPropagation;
        if (propagation == PropagationPolicy.Orphan)
        {
            changed |= EnsureFinalizer(meta, Finalizers.Orphan, true) | EnsureFinalizer(meta, Finalizers.ForegroundDeletion, false);
        }
        else if (propagation == PropagationPolicy.Foreground)
        {
            changed |= EnsureFinalizer(meta, Finalizers.ForegroundDeletion, true) | EnsureFinalizer(meta, Finalizers.Orphan, false);
        }
        else if (options.PropagationPolicy is not null && old.DeletionTimestamp is not null)
        {
            changed |= EnsureFinalizer(meta, Finalizers.Orphan, false) | EnsureFinalizer(meta, Finalizers.ForegroundDeletion, false);
        }

        var grace = strategy.GracePeriodSeconds(existing, options.GracePeriodSeconds);
        var hasFinalizers = meta.Finalizers is { Count: > 0 } || next is V1Namespace { Spec.Finalizers.Count: > 0 };
        if (old.DeletionTimestamp is not null)
        {
            // Already terminating: a DELETE may only shorten the grace period.
            if (grace is { } g && (old.DeletionGracePeriodSeconds ?? 0) > g)
            {
                var deadline = GraceDeadline(g);
                if (deadline < old.DeletionTimestamp) meta.DeletionTimestamp = deadline;
                meta.DeletionGracePeriodSeconds = g;
                changed = true;
            }
            if ((meta.DeletionGracePeriodSeconds ?? 0) == 0 && !hasFinalizers)
                return CommitOk(kind, WatchEventType.Deleted, next, existing);
            return changed ? CommitOk(kind, WatchEventType.Modified, next, existing) : ApiResult<KubeObject>.Ok(existing);
        }

        if (grace is > 0)
        {
            meta.DeletionTimestamp = GraceDeadline(grace.Value);
            meta.DeletionGracePeriodSeconds = grace;
            strategy.PrepareForDelete(next);
            return CommitOk(kind, WatchEventType.Modified, next, existing);
        }
        if (hasFinalizers)
        {
            meta.DeletionTimestamp = Loop.Now.ToKubeTime();
            meta.DeletionGracePeriodSeconds = 0;
            strategy.PrepareForDelete(next);
            return CommitOk(kind, WatchEventType.Modified, next, existing);
        }
        return CommitOk(kind, WatchEventType.Deleted, next, existing);
    }

    // Kubernetes accepts any int64 grace period; one that runs past the year 9999 ends at the end of time, which is
    // written as 9999-12-31T23:59:59Z (Go's own arithmetic would wrap around instead).
    private DateTime GraceDeadline(long graceSeconds) => (Loop.Now + SimDuration.FromSeconds(graceSeconds)).ToKubeTime();

    private static bool EnsureFinalizer(V1ObjectMeta meta, string finalizer, bool present)
    {
        var has = meta.Finalizers?.Contains(finalizer) == true;
        if (has == present) return false;
        meta.Finalizers = present
            ? [.. meta.Finalizers ?? [], finalizer]
            : meta.Finalizers!.Where(f => f != finalizer).ToList();
        return true;
    }

    /// <summary>
    /// POST pods/binding: assigns an unbound pod to a node and sets its PodScheduled condition, as the scheduler's
    /// binder does. A pod already bound gets 409 Conflict.
    /// </summary>
    public ApiResult<V1Pod> Bind(string ns, string podName, string nodeName, string? podUid = null)
    {
        var existing = (V1Pod?)_store.Get(ResourceKinds.Pod, ScopeNamespace(ResourceKinds.Pod, ns), podName);
        if (existing is null) return ApiError.NotFound(ResourceKinds.Pod, podName);
        if (podUid is not null && existing.Metadata.Uid != podUid)
            return ApiError.ConflictBecause(ResourceKinds.Pod, podName, $"Precondition failed: UID in precondition: {podUid}, UID in object meta: {existing.Metadata.Uid}", "pods/binding");
        if (existing.Metadata.DeletionTimestamp is not null)
            return ApiError.ConflictBecause(ResourceKinds.Pod, podName, $"pod {podName} is being deleted, cannot be assigned to a host", "pods/binding");
        if (!string.IsNullOrEmpty(existing.Spec.NodeName))
            return ApiError.ConflictBecause(ResourceKinds.Pod, podName, $"pod {podName} is already assigned to node \"{existing.Spec.NodeName}\"", "pods/binding");
        var pod = ModelCopy.ShallowCopy(existing);
        pod.Metadata = ModelCopy.ShallowCopy(existing.Metadata);
        pod.Spec = ModelCopy.ShallowCopy(existing.Spec);
        pod.Spec.NodeName = nodeName;
        pod.Status = existing.Status is null ? new V1PodStatus() : ModelCopy.Clone(existing.Status);
        Conditions.SetPodCondition(pod.Status, "PodScheduled", "True", null, null, Loop.Now);
        return (V1Pod)Commit(ResourceKinds.Pod, WatchEventType.Modified, pod, existing);
    }

    /// <summary>
    /// PUT namespaces/{name}/finalize: replaces <c>spec.finalizers</c> and nothing else, the only way they change.
    /// A terminating namespace left with no finalizers of either kind is removed by this write.
    /// </summary>
    public ApiResult<V1Namespace> Finalize(string name, IReadOnlyList<string> specFinalizers, string? resourceVersion = null)
    {
        var existing = (V1Namespace?)_store.Get(ResourceKinds.Namespace, ScopeNamespace(ResourceKinds.Namespace, null), name);
        if (existing is null) return ApiError.NotFound(ResourceKinds.Namespace, name);
        if (!string.IsNullOrEmpty(resourceVersion) && resourceVersion != existing.Metadata.ResourceVersion)
            return ApiError.Conflict(ResourceKinds.Namespace, name);
        var current = existing.Spec?.Finalizers ?? [];
        if (current.SequenceEqual(specFinalizers)) return existing;
        var ns = ModelCopy.ShallowCopy(existing);
        ns.Metadata = ModelCopy.ShallowCopy(existing.Metadata);
        ns.Spec = new V1NamespaceSpec { Finalizers = specFinalizers.Count == 0 ? null! : [.. specFinalizers] };
        ModelNulls.Fill(ns.Spec);
        var type = ShouldDeleteDuringUpdate(ns) ? WatchEventType.Deleted : WatchEventType.Modified;
        return (V1Namespace)Commit(ResourceKinds.Namespace, type, ns, existing);
    }

    /// <summary>GET the scale subresource (autoscaling/v1 Scale) of a Deployment, ReplicaSet or StatefulSet.</summary>
    public ApiResult<V1Scale> GetScale(ResourceKind kind, string? ns, string name)
    {
        if (!kind.HasScale) return new ApiError(404, "NotFound", $"the server could not find the requested resource");
        var existing = _store.Get(kind, ScopeNamespace(kind, ns), name);
        if (existing is null) return ApiError.NotFound(kind, name);
        return ScaleAccess.ToScale(existing);
    }

    /// <summary>UPDATE the scale subresource: changes spec.replicas only.</summary>
    public ApiResult<V1Scale> UpdateScale(ResourceKind kind, string? ns, string name, int replicas, string? resourceVersion = null)
    {
        if (!kind.HasScale) return new ApiError(404, "NotFound", "the server could not find the requested resource");
        var existing = _store.Get(kind, ScopeNamespace(kind, ns), name);
        if (existing is null) return ApiError.NotFound(kind, name);
        if (!string.IsNullOrEmpty(resourceVersion) && resourceVersion != existing.Metadata.ResourceVersion)
            return ApiError.Conflict(kind, name);
        var copy = ModelCopy.Clone(existing);
        ScaleAccess.SetReplicas(copy, replicas);
        var result = Update(copy);
        return result.IsSuccess ? ScaleAccess.ToScale(result.Value!) : ApiResult<V1Scale>.Fail(result.Error!);
    }
}
