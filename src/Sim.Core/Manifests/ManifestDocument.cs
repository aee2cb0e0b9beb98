using Sim.Core.Api;

namespace Sim.Core.Manifests;

/// <summary>One object read from a manifest file, with where each of its fields was written.</summary>
/// <param name="File">The file as the user named it.</param>
/// <param name="Kind">The kind served for it.</param>
/// <param name="Object">The typed object (in the stored version; owned by the caller).</param>
/// <param name="Start">Where the object starts in the file.</param>
/// <param name="Positions">Field path (<c>spec.template.spec.containers[0].image</c>) to position of its key.</param>
public sealed record ManifestDocument(string File, ResourceKind Kind, KubeObject Object, SourcePosition Start, IReadOnlyDictionary<string, SourcePosition> Positions)
{
    /// <summary>The position of a field, or of its nearest written ancestor (for missing required fields).</summary>
    public SourcePosition PositionOf(string fieldPath)
    {
        var path = fieldPath;
        while (path.Length > 0)
        {
            if (Positions.TryGetValue(path, out var p)) return p;
            var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            path = cut <= 0 ? "" : path[..cut];
        }
        return Start;
    }

    /// <summary><c>Kind/name</c>, for messages.</summary>
    public string Describe => $"{Kind.Kind}/{Object.Metadata?.Name ?? Object.Metadata?.GenerateName ?? "?"}";
}

/// <summary>A problem in an input file, printed as <c>FILE:LINE:COLUMN: message</c> (or <c>FILE: message</c>).</summary>
public sealed record ManifestError(string File, SourcePosition? Position, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Position is { } p ? $"{File}:{p.Line}:{p.Column}: {Message}" : $"{File}: {Message}";
}

/// <summary>The objects read from one input and the problems found.</summary>
public sealed record ManifestLoadResult(IReadOnlyList<ManifestDocument> Documents, IReadOnlyList<ManifestError> Errors)
{
    /// <summary>True when nothing went wrong.</summary>
    public bool Ok => Errors.Count == 0;
}
