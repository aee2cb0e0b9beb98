using k8s.Models;
using Sim.Core.Api.Selectors;

namespace Sim.Core.Api.Registry;

/// <summary>Kubernetes' <c>ValidateObjectMeta</c> and friends: names, labels, annotations, owner references, finalizers.</summary>
internal static class ObjectMetaValidation
{
    private const int TotalAnnotationSizeLimit = 256 * 1024;

    /// <summary>Object metadata rules with the kind's own name rule (<paramref name="validateName"/>: null when valid, else why not).</summary>
    public static IEnumerable<FieldError> Validate(V1ObjectMeta meta, ResourceKind kind, Func<string, string?> validateName, string path = "metadata")
    {
        if (string.IsNullOrEmpty(meta.Name))
        {
            if (string.IsNullOrEmpty(meta.GenerateName))
                yield return FieldError.Required(path + ".name", "name or generateName is required");
        }
        else
        {
            var nameError = validateName(meta.Name);
            if (nameError is not null) yield return FieldError.Invalid(path + ".name", meta.Name, nameError);
        }
        if (!string.IsNullOrEmpty(meta.GenerateName))
        {
            var prefix = meta.GenerateName.TrimEnd('-');
            var prefixError = prefix.Length == 0 ? null : validateName(prefix);
            if (prefixError is not null) yield return FieldError.Invalid(path + ".generateName", meta.GenerateName, prefixError);
        }
        if (kind.Namespaced)
        {
            if (string.IsNullOrEmpty(meta.NamespaceProperty)) yield return FieldError.Required(path + ".namespace");
            else if (Names.ValidateDns1123Label(meta.NamespaceProperty) is { } nsError)
                yield return FieldError.Invalid(path + ".namespace", meta.NamespaceProperty, nsError);
        }
        // Sub-paths are only built when there is something to check: this runs on every write.
        if (meta.Labels is { Count: > 0 })
            foreach (var e in ValidateLabels(meta.Labels, path == "metadata" ? "metadata.labels" : path + ".labels")) yield return e;
        if (meta.Annotations is { Count: > 0 })
            foreach (var e in ValidateAnnotations(meta.Annotations, path == "metadata" ? "metadata.annotations" : path + ".annotations")) yield return e;
        if (meta.OwnerReferences is { Count: > 0 })
            foreach (var e in ValidateOwnerReferences(meta.OwnerReferences, path == "metadata" ? "metadata.ownerReferences" : path + ".ownerReferences")) yield return e;
        if (meta.Finalizers is { Count: > 0 } finalizers)
        {
            // apimachinery's ValidateFinalizers names the list, not the entry; the core API's own rule that follows
            // (validateKubeFinalizerName) names the entry.
            foreach (var f in finalizers)
                foreach (var message in Labels.QualifiedNameErrors(f))
                    yield return FieldError.Invalid(path + ".finalizers", f, message);
            for (var i = 0; i < finalizers.Count; i++)
            {
                if (!finalizers[i].Contains('/') && finalizers[i] is not (Finalizers.Kubernetes or Finalizers.Orphan or Finalizers.ForegroundDeletion))
                    yield return FieldError.Invalid($"{path}.finalizers[{i}]", finalizers[i], "name is neither a standard finalizer name nor is it fully qualified");
            }
        }
    }

    public static IEnumerable<FieldError> ValidateLabels(IDictionary<string, string>? labels, string path)
    {
        if (labels is null || labels.Count == 0) yield break;
        var allValid = true;
        foreach (var (key, value) in labels)
        {
            if (Labels.ValidateQualifiedName(key) is not null || Labels.ValidateValue(value) is not null)
            {
                allValid = false;
                break;
            }
        }
        if (allValid) yield break;
        // Errors are reported in key order, as Kubernetes sorts map keys.
        foreach (var (key, value) in labels.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            foreach (var keyError in Labels.QualifiedNameErrors(key)) yield return FieldError.Invalid(path, key, keyError);
            if (Labels.ValidateValue(value) is { } valueError) yield return FieldError.Invalid(path, value, valueError);
        }
    }

    public static IEnumerable<FieldError> ValidateAnnotations(IDictionary<string, string>? annotations, string path)
    {
        if (annotations is null || annotations.Count == 0) yield break;
        long total = 0;
        foreach (var (key, value) in annotations.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            foreach (var keyError in Labels.QualifiedNameErrors(key.ToLowerInvariant())) yield return FieldError.Invalid(path, key, keyError);
            total += key.Length + value.Length;
        }
        if (total > TotalAnnotationSizeLimit)
            yield return new FieldError(FieldErrorType.TooLong, path, null, $"must have at most {TotalAnnotationSizeLimit} bytes");
    }

    private static IEnumerable<FieldError> ValidateOwnerReferences(IList<V1OwnerReference>? refs, string path)
    {
        if (refs is null) yield break;
        var controllers = 0;
        for (var i = 0; i < refs.Count; i++)
        {
            var r = refs[i];
            if (string.IsNullOrEmpty(r.ApiVersion)) yield return FieldError.Invalid(path + ".apiVersion", r.ApiVersion ?? "", "version must not be empty");
            if (string.IsNullOrEmpty(r.Kind)) yield return FieldError.Invalid(path + ".kind", r.Kind ?? "", "kind must not be empty");
            if (string.IsNullOrEmpty(r.Name)) yield return FieldError.Invalid(path + ".name", r.Name ?? "", "name must not be empty");
            if (string.IsNullOrEmpty(r.Uid)) yield return FieldError.Invalid(path + ".uid", r.Uid ?? "", "uid must not be empty");
            if (r.Controller == true) controllers++;
        }
        if (controllers > 1)
            yield return FieldError.Invalid(path, new GoLiteral("[]v1.OwnerReference{...}"), "Only one reference can have Controller set to true");
    }
}
