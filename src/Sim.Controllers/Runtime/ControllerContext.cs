using Sim.Core.Api;
using Sim.Core.Events;
using Sim.Core.Kernel;
using Sim.Core.Time;

namespace Sim.Controllers.Runtime;

/// <summary>What every controller of one process shares: the loop, an API client, the informers and a random stream.</summary>
public sealed class ControllerContext(EventLoop loop, ApiClient client, InformerFactory informers, SimRandom random)
{
    /// <summary>The loop and clock.</summary>
    public EventLoop Loop { get; } = loop;

    /// <summary>The API client (user agent of the process).</summary>
    public ApiClient Client { get; } = client;

    /// <summary>The process's shared informers.</summary>
    public InformerFactory Informers { get; } = informers;

    /// <summary>The process's random stream (fork it per controller).</summary>
    public SimRandom Random { get; } = random;

    /// <summary>The current time.</summary>
    public SimTime Now => Loop.Now;

    /// <summary>An event recorder writing as <paramref name="component"/>.</summary>
    public EventRecorder Recorder(string component) => new(Client, Loop, component);
}
