using Sim.Core.Api;
using Sim.Core.Api.Client;
using Sim.Core.Api.Watch;
using Sim.Core.Kernel;
using Sim.Core.Time;

namespace Sim.Core.Network;

/// <summary>
/// Requests and watches that cross the simulated network to the API server on <see cref="ServerEndpoint"/>. A request
/// takes the link's latency each way; the server runs it as its own work, so it happens even if the caller stops
/// meanwhile, and the answer reaches the caller as the caller's work. Across a cut link the request or its answer is
/// lost and the client gives up after <see cref="NetworkOptions.DeadConnectionTimeout"/>. A cut also breaks every
/// watch across it: the server stops sending at once, and the client notices the silence after the same timeout and
/// watches again (see <see cref="Informer{T}"/>). Between endpoints with no latency and no cut, calls complete at once.
/// </summary>
public sealed class NetworkTransport : IApiTransport
{
    private readonly SimNetwork _network;
    private readonly List<OpenWatch> _watches = [];
    private readonly HashSet<PendingRequest> _inFlight = [];

    /// <summary>A transport to <paramref name="server"/>, which runs on <paramref name="serverEndpoint"/>.</summary>
    public NetworkTransport(ApiServer server, string serverEndpoint, SimNetwork network)
    {
        Server = server;
        ServerEndpoint = serverEndpoint;
        _network = network;
        network.AddEndpoint(serverEndpoint);
        network.LinkCut += OnLinkCut;
    }

    /// <summary>The API server.</summary>
    public ApiServer Server { get; }

    /// <summary>Where it runs.</summary>
    public string ServerEndpoint { get; }

    private EventLoop Loop => Server.Loop;

    private SimDuration Timeout => _network.Options.DeadConnectionTimeout;

    /// <inheritdoc />
    public ValueTask<ApiResult<T>> Send<TArgs, T>(ClientIdentity from, TArgs args, Func<ApiServer, TArgs, ApiResult<T>> request) where T : class
    {
        var latency = _network.Latency(from.Endpoint, ServerEndpoint);
        var connected = _network.Connected(from.Endpoint, ServerEndpoint);
        if (connected && latency == SimDuration.Zero)
        {
            using (Loop.Enter(Server.Lifetime)) return new(request(Server, args));
        }
        return SendAcross(from, args, request, latency, connected);
    }

    // Apart from Send: the closures here would otherwise be allocated on every call, the instant ones included.
    private ValueTask<ApiResult<T>> SendAcross<TArgs, T>(ClientIdentity from, TArgs args, Func<ApiServer, TArgs, ApiResult<T>> request, SimDuration latency, bool connected)
        where T : class
    {
        var caller = Loop.Current;
        var answer = new TaskCompletionSource<ApiResult<T>>();
        var pending = new PendingRequest(from.Endpoint, Loop.Now + Timeout, caller, () => answer.TrySetResult(ApiError.Unreachable(Unanswered(from))));
        if (!connected)
        {
            // Nothing will come back: the client waits out its deadline.
            pending.GiveUpAtDeadline(Loop);
            return new(answer.Task);
        }
        // While the link holds nothing needs a deadline on the agenda; a cut gives every request across it one.
        _inFlight.Add(pending);
        Loop.Schedule(Loop.Now + latency, () =>
        {
            if (!_network.Connected(from.Endpoint, ServerEndpoint)) return; // lost on the way
            var result = request(Server, args);
            if (caller.Ended)
            {
                _inFlight.Remove(pending); // nobody is waiting any more
                return;
            }
            Loop.Schedule(Loop.Now + latency, () =>
            {
                if (!_network.Connected(from.Endpoint, ServerEndpoint)) return;
                _inFlight.Remove(pending);
                answer.TrySetResult(result);
            }, caller);
        }, Server.Lifetime);
        return new(answer.Task);
    }

    /// <inheritdoc />
    public ValueTask<ApiResult<WatchStream>> Watch(ClientIdentity from, ResourceKind kind, string? ns, ListOptions? options, Action<WatchEvent> onEvent, Action<string> onClosed)
    {
        var latency = _network.Latency(from.Endpoint, ServerEndpoint);
        var caller = Loop.Current;
        if (!_network.Connected(from.Endpoint, ServerEndpoint))
        {
            var refused = new TaskCompletionSource<ApiResult<WatchStream>>();
            Loop.Schedule(Loop.Now + Timeout, () => refused.TrySetResult(ApiError.Unreachable(Unanswered(from))), caller);
            return new(refused.Task);
        }
        if (latency == SimDuration.Zero) return new(Open(from, caller, kind, ns, options, onEvent, onClosed, latency));
        var opened = new TaskCompletionSource<ApiResult<WatchStream>>();
        Loop.Schedule(Loop.Now + latency, () =>
        {
            if (!_network.Connected(from.Endpoint, ServerEndpoint)) return;
            var result = Open(from, caller, kind, ns, options, onEvent, onClosed, latency);
            Loop.Schedule(Loop.Now + latency, () => opened.TrySetResult(result), caller);
        }, Server.Lifetime);
        Loop.Schedule(Loop.Now + Timeout, () => opened.TrySetResult(ApiError.Unreachable(Unanswered(from))), caller);
        return new(opened.Task);
    }

    private ApiResult<WatchStream> Open(ClientIdentity from, Lifetime caller, ResourceKind kind, string? ns, ListOptions? options,
        Action<WatchEvent> onEvent, Action<string> onClosed, SimDuration latency)
    {
        var watch = new OpenWatch(from.Endpoint, caller, onClosed);
        ApiResult<WatchSubscription> subscribed;
        using (Loop.Enter(Server.Lifetime))
        {
            subscribed = Server.Watch(kind, ns, options, e =>
            {
                // Each event travels the link, in order (a link's latency does not change).
                if (watch.Broken || caller.Ended) return;
                if (latency == SimDuration.Zero)
                {
                    using (Loop.Enter(caller)) onEvent(e);
                    return;
                }
                Loop.Schedule(Loop.Now + latency, () =>
                {
                    if (!watch.Broken) onEvent(e);
                }, caller);
            });
        }
        if (!subscribed.IsSuccess) return ApiResult<WatchStream>.Fail(subscribed.Error!);
        watch.Subscription = subscribed.Value;
        watch.Stream = new WatchStream(() => Close(watch));
        _watches.Add(watch);
        caller.OnEnd(watch.Stream.Dispose);
        return ApiResult<WatchStream>.Ok(watch.Stream);
    }

    private void Close(OpenWatch watch)
    {
        watch.Broken = true;
        watch.Subscription?.Dispose();
        _watches.Remove(watch);
    }

    // The server stops sending across the cut at once; the client hears nothing and notices when its health check
    // gives up on the silent connection.
    private void OnLinkCut(string a, string b)
    {
        foreach (var pending in _inFlight.Where(p => Crosses(p.Endpoint, a, b)).ToList())
        {
            _inFlight.Remove(pending);
            pending.GiveUpAtDeadline(Loop);
        }
        foreach (var watch in _watches.Where(w => Crosses(w.Endpoint, a, b)).ToList())
        {
            Close(watch);
            Loop.Schedule(Loop.Now + Timeout, () =>
            {
                watch.Stream!.MarkClosed();
                watch.OnClosed(WatchClosedReasons.ConnectionLost);
            }, watch.Caller);
        }
    }

    private bool Crosses(string endpoint, string a, string b) => (endpoint == a && ServerEndpoint == b) || (endpoint == b && ServerEndpoint == a);

    private string Unanswered(ClientIdentity from) =>
        $"the server at {ServerEndpoint} did not answer {from.Component} on {from.Endpoint} within {GoDuration.Format(Timeout)} (Client.Timeout exceeded while awaiting headers)";

    /// <summary>A request waiting for its answer, and what its client does when it gives up on it.</summary>
    private sealed class PendingRequest(string endpoint, SimTime deadline, Lifetime caller, Action giveUp)
    {
        public string Endpoint { get; } = endpoint;

        public void GiveUpAtDeadline(EventLoop loop) => loop.Schedule(deadline, giveUp, caller);
    }

    private sealed class OpenWatch(string endpoint, Lifetime caller, Action<string> onClosed)
    {
        public string Endpoint { get; } = endpoint;

        public Lifetime Caller { get; } = caller;

        public Action<string> OnClosed { get; } = onClosed;

        public WatchSubscription? Subscription { get; set; }

        public WatchStream? Stream { get; set; }

        public bool Broken { get; set; }
    }
}
