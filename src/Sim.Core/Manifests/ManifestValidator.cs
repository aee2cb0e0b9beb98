using Sim.Core.Api;

namespace Sim.Core.Manifests;

/// <summary>
/// Checks loaded manifests as the API server would on CREATE (defaulting, then Kubernetes' validation), and reports
/// each field error at the position where the field was written.
/// </summary>
public static class ManifestValidator
{
    /// <summary>Every problem in <paramref name="loaded"/>: its load errors, then API validation errors, in document order.</summary>
    public static IReadOnlyList<ManifestError> Validate(ManifestLoadResult loaded, ApiServer scratch)
    {
        var errors = new List<ManifestError>(loaded.Errors);
        foreach (var doc in loaded.Documents) errors.AddRange(Validate(doc, scratch));
        return errors;
    }

    /// <summary>The API validation errors of one document, positioned.</summary>
    public static IEnumerable<ManifestError> Validate(ManifestDocument doc, ApiServer scratch)
    {
        var error = scratch.ValidateForCreate(doc.Object);
        if (error is null) yield break;
        foreach (var e in Positioned(doc, error)) yield return e;
    }

    /// <summary>An API refusal of <paramref name="doc"/> as positioned errors: one per field cause, else one at the object.</summary>
    public static IEnumerable<ManifestError> Positioned(ManifestDocument doc, ApiError error)
    {
        if (error.Causes.Count == 0)
        {
            yield return new ManifestError(doc.File, doc.Start, error.KubectlMessage);
            yield break;
        }
        foreach (var cause in error.Causes)
            yield return new ManifestError(doc.File, doc.PositionOf(cause.Field), $"The {error.Kind} {GoValue.Quote(error.Name ?? "")} is invalid: {cause}");
    }
}
