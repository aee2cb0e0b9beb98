using Sim.Core.Api;
using Sim.Core.Events;
using Sim.Core.Kernel;
using Sim.Core.Time;

namespace Sim.Controllers.Runtime;

/// <summary>
/// What every controller of one process shares: the loop, the process's API client (its informers use it), the
/// informers and a random stream; and one client per controller, each with its own rate limit, as
/// kube-controller-manager gives every controller a client of its own.
/// </summary>
public sealed class ControllerContext(EventLoop loop, ApiClient client, InformerFactory informers, SimRandom random, ClientRateLimit? controllerRateLimit = null)
{
    private readonly Dictionary<string, ApiClient> _clients = new(StringComparer.Ordinal);

    /// <summary>The loop and clock.</summary>
    public EventLoop Loop { get; } = loop;

    /// <summary>The process's API client (the shared informers' one).</summary>
    public ApiClient Client { get; } = client;

    /// <summary>The process's shared informers.</summary>
    public InformerFactory Informers { get; } = informers;

    /// <summary>The process's random stream (fork it per controller).</summary>
    public SimRandom Random { get; } = random;

    /// <summary>The current time.</summary>
    public SimTime Now => Loop.Now;

    /// <summary>The API client of the controller <paramref name="component"/> (one per name, with the process's per-controller rate limit).</summary>
    public ApiClient ClientFor(string component)
    {
        if (_clients.TryGetValue(component, out var existing)) return existing;
        var identity = new ClientIdentity(component, Client.Identity.Endpoint, Client.Identity.Component + "/" + component);
        return _clients[component] = Client.As(identity, controllerRateLimit);
    }

    /// <summary>An event recorder writing as <paramref name="component"/>, through that controller's client.</summary>
    public EventRecorder Recorder(string component) => new(ClientFor(component), Loop, component);
}
