namespace Sim.Core.Kernel;

/// <summary>
/// A component running as a process on an endpoint (a node or a control-plane member), as every actor of
/// FoundationDB's simulator is: it owns its timers, informers, work queues and requests through its lifetime, and
/// stopping it (a crash, a lost leader lease) drops all of them at once. A process starts once and stops once; a
/// restart is a new instance, built afresh.
/// </summary>
/// <remarks>
/// To write one: derive, take what the component needs in the constructor (an API client, a random stream), and do
/// the starting work in <see cref="OnStart"/>: everything it schedules there, directly or through informers, queues and
/// awaits, belongs to the process. Put nothing that must outlive a crash in its fields.
/// </remarks>
public abstract class SimProcess
{
    /// <summary>A process named <paramref name="name"/> on <paramref name="endpoint"/>.</summary>
    protected SimProcess(EventLoop loop, string name, string endpoint)
    {
        Loop = loop;
        Name = name;
        Endpoint = endpoint;
    }

    /// <summary>The loop it runs on.</summary>
    public EventLoop Loop { get; }

    /// <summary>Its name, e.g. <c>kube-controller-manager</c> or <c>kubelet/node-2</c>.</summary>
    public string Name { get; }

    /// <summary>The endpoint it runs on: a node name or a control-plane member such as <c>cp-1</c>.</summary>
    public string Endpoint { get; }

    /// <summary>Its lifetime, once started.</summary>
    public Lifetime? Lifetime { get; private set; }

    /// <summary>Whether it has started and not stopped.</summary>
    public bool Running => Lifetime is { Ended: false };

    /// <summary>Starts it: <see cref="OnStart"/> runs as the process's own work.</summary>
    public void Start()
    {
        if (Lifetime is not null) throw new InvalidOperationException($"{Name} has already been started; a restart is a new process");
        Lifetime = Loop.NewLifetime(Name + "@" + Endpoint);
        using (Loop.Enter(Lifetime)) OnStart();
    }

    /// <summary>Stops it at once: nothing it had scheduled or was waiting for runs any more. Idempotent.</summary>
    public void Stop()
    {
        if (Lifetime is not { Ended: false } lifetime) return;
        OnStop();
        lifetime.End();
    }

    /// <summary>The process's starting work.</summary>
    protected abstract void OnStart();

    /// <summary>Anything to do as it stops, before its work is dropped (nothing, by default: a crash says nothing).</summary>
    protected virtual void OnStop()
    {
    }
}
