using Sim.Core.Api.Watch;

namespace Sim.Core.Api.Client;

/// <summary>
/// How a client's requests reach the API server and its answers come back. The server runs every request as itself
/// (its own lifetime); the answer, and every watch event, reaches the caller as work of the caller's lifetime, so a
/// process that stopped hears nothing more.
/// </summary>
public interface IApiTransport
{
    /// <summary>Sends <paramref name="request"/> with <paramref name="args"/> from <paramref name="from"/>; completes with the server's answer, or with the client's error.</summary>
    ValueTask<ApiResult<T>> Send<TArgs, T>(ClientIdentity from, TArgs args, Func<ApiServer, TArgs, ApiResult<T>> request) where T : class;

    /// <summary>Opens a watch for <paramref name="from"/>; events arrive in commit order until the stream closes.</summary>
    ValueTask<ApiResult<WatchStream>> Watch(ClientIdentity from, ResourceKind kind, string? ns, ListOptions? options, Action<WatchEvent> onEvent, Action<string> onClosed);
}
