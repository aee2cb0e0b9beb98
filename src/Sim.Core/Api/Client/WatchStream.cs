namespace Sim.Core.Api.Client;

/// <summary>An open watch as its client holds it: events arrive until it is closed by either side.</summary>
public sealed class WatchStream : IDisposable
{
    private readonly Action _close;

    internal WatchStream(Action close) => _close = close;

    /// <summary>True once closed (by the client, the server or the network).</summary>
    public bool Closed { get; private set; }

    /// <summary>Marks the stream closed without telling the other side (it closed first).</summary>
    internal void MarkClosed() => Closed = true;

    /// <inheritdoc />
    public void Dispose()
    {
        if (Closed) return;
        Closed = true;
        _close();
    }
}
