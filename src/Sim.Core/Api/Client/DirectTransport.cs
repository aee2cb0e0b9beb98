using Sim.Core.Api.Watch;
using Sim.Core.Kernel;

namespace Sim.Core.Api.Client;

/// <summary>
/// The API server reached without a network (one control-plane member, no latency): every request completes at once,
/// so unit tests and big runs pay nothing for the seam. The server still runs as itself and watch events still reach
/// the caller as its own work.
/// </summary>
public sealed class DirectTransport(ApiServer server) : IApiTransport
{
    /// <summary>The server.</summary>
    public ApiServer Server { get; } = server;

    /// <inheritdoc />
    public ValueTask<ApiResult<T>> Send<TArgs, T>(ClientIdentity from, TArgs args, Func<ApiServer, TArgs, ApiResult<T>> request) where T : class
    {
        using (Server.Loop.Enter(Server.Lifetime)) return new(request(Server, args));
    }

    /// <inheritdoc />
    public ValueTask<ApiResult<WatchStream>> Watch(ClientIdentity from, ResourceKind kind, string? ns, ListOptions? options, Action<WatchEvent> onEvent, Action<string> onClosed)
    {
        var loop = Server.Loop;
        var caller = loop.Current;
        ApiResult<WatchSubscription> opened;
        using (loop.Enter(Server.Lifetime))
        {
            opened = Server.Watch(kind, ns, options, e =>
            {
                if (caller.Ended) return;
                using (loop.Enter(caller)) onEvent(e);
            });
        }
        if (!opened.IsSuccess) return new(ApiResult<WatchStream>.Fail(opened.Error!));
        var subscription = opened.Value!;
        var stream = new WatchStream(subscription.Dispose);
        // A caller that stops closes its watches, as a process's connections close when it dies.
        caller.OnEnd(stream.Dispose);
        return new(ApiResult<WatchStream>.Ok(stream));
    }
}
