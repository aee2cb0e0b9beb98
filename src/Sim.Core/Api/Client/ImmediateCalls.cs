namespace Sim.Core.Api.Client;

/// <summary>
/// For code outside the simulation (tests, benchmarks, tools) that holds a client reaching the API server directly:
/// its calls complete at once, so their results can be taken without awaiting.
/// </summary>
public static class ImmediateCalls
{
    /// <summary>The result of a call that has completed; throws when it has not (it needs the loop to run).</summary>
    public static ApiResult<T> Completed<T>(this ValueTask<ApiResult<T>> call) where T : class =>
        call.IsCompleted ? call.Result : throw new InvalidOperationException("the call has not completed: it waits for the simulation to run");

    /// <summary>The object a completed call returned, or an exception naming the error.</summary>
    public static T Unwrap<T>(this ValueTask<ApiResult<T>> call) where T : class => call.Completed().Unwrap();

    /// <summary>The object, or null when it does not exist (a completed GET).</summary>
    public static T? Find<T>(this ApiClient client, string? ns, string name) where T : class, KubeObject =>
        client.Get<T>(ns, name).Completed().Value;

    /// <summary>The objects of <typeparamref name="T"/> (a completed LIST).</summary>
    public static IReadOnlyList<T> ListNow<T>(this ApiClient client, string? ns = null, string? labelSelector = null, string? fieldSelector = null) where T : class, KubeObject =>
        client.List<T>(ns, labelSelector, fieldSelector).Unwrap();
}
