using Sim.Core.Manifests;

namespace Sim.Scenarios.Loading;

/// <summary>A scenario (or one of its manifests) is invalid; <see cref="Errors"/> say where and why.</summary>
public sealed class ScenarioLoadException(IReadOnlyList<ManifestError> errors)
    : Exception(string.Join(Environment.NewLine, errors.Select(e => e.ToString())))
{
    /// <summary>Every problem found, each as <c>FILE:LINE:COLUMN: message</c>.</summary>
    public IReadOnlyList<ManifestError> Errors { get; } = errors;
}
