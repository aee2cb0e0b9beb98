namespace Sim.Core.Api.Client;

/// <summary>Who is calling: the component, the endpoint (node or control-plane member) it runs on, its user agent.</summary>
/// <param name="Component">The component, e.g. <c>replicaset-controller</c>, <c>kubelet</c>, <c>kubectl</c>.</param>
/// <param name="Endpoint">Where it runs: a node name or a control-plane member (<c>cp-1</c>); requests cross the network from there.</param>
/// <param name="UserAgent">The user agent it sends, e.g. <c>kubelet/node-1</c>.</param>
public sealed record ClientIdentity(string Component, string Endpoint, string UserAgent)
{
    /// <summary>The first control-plane member, where the API server of a one-member control plane runs.</summary>
    public const string ControlPlaneEndpoint = "cp-1";

    /// <summary>A caller on the control plane itself, known by its user agent (tests, tools, kubectl on the control plane).</summary>
    public static ClientIdentity OnControlPlane(string userAgent) => new(userAgent, ControlPlaneEndpoint, userAgent);
}
