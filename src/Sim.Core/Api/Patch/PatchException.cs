namespace Sim.Core.Api.Patch;

/// <summary>A patch that cannot be applied; <see cref="Code"/> is the HTTP status Kubernetes answers with.</summary>
public sealed class PatchException(string message, int code = 400) : Exception(message)
{
    /// <summary>400 for a malformed patch, 422 for one that fails a test or targets a missing path.</summary>
    public int Code { get; } = code;
}
