using k8s.Models;
using Sim.Core.Api.Watch;
using Sim.Core.Kernel;
using Sim.Core.Time;

namespace Sim.Core.Api.Client;

/// <summary>
/// A component's only way to the API server: every read, write and watch, addressed by kind (subresources
/// included), goes through the client's rate limit and its transport. Calls return at once when the server is
/// reached directly and a token is at hand; across a network, or when the rate limit makes them wait, they complete
/// later, as work of the caller's lifetime.
/// </summary>
public sealed class ApiClient
{
    private readonly IApiTransport _transport;
    private readonly EventLoop _loop;
    private readonly TokenBucket? _bucket;

    /// <summary>A client sending through <paramref name="transport"/> as <paramref name="identity"/>, limited to <paramref name="rateLimit"/> if given.</summary>
    public ApiClient(IApiTransport transport, ClientIdentity identity, EventLoop loop, ClientRateLimit? rateLimit = null)
    {
        _transport = transport;
        _loop = loop;
        Identity = identity;
        RateLimit = rateLimit;
        if (rateLimit is not null) _bucket = new TokenBucket(rateLimit, loop.Now);
    }

    /// <summary>Who is calling.</summary>
    public ClientIdentity Identity { get; }

    /// <summary>The loop the client's calls complete on.</summary>
    public EventLoop Loop => _loop;

    /// <summary>The user agent, e.g. <c>kubelet/node-1</c> or <c>replicaset-controller</c>.</summary>
    public string UserAgent => Identity.UserAgent;

    /// <summary>The rate limit, or null for none.</summary>
    public ClientRateLimit? RateLimit { get; }

    /// <summary>The same client under another identity (the same transport; a rate limit of its own, as client-go's per-controller clients have).</summary>
    public ApiClient As(ClientIdentity identity, ClientRateLimit? rateLimit) => new(_transport, identity, _loop, rateLimit);

    // Requests carry their arguments beside a static function, so a call that completes at once allocates nothing.
    internal ValueTask<ApiResult<T>> Send<TArgs, T>(TArgs args, Func<ApiServer, TArgs, ApiResult<T>> request) where T : class
    {
        if (_bucket is null || _bucket.Reserve(_loop.Now) is not { Ticks: > 0 } wait) return _transport.Send(Identity, args, request);
        return SendLater(wait, args, request);
    }

    private async ValueTask<ApiResult<T>> SendLater<TArgs, T>(SimDuration wait, TArgs args, Func<ApiServer, TArgs, ApiResult<T>> request) where T : class
    {
        await _loop.Delay(wait);
        return await _transport.Send(Identity, args, request);
    }

    // ------------------------------------------------------------------ typed

    /// <summary>CREATE; the object belongs to the server afterwards.</summary>
    public ValueTask<ApiResult<T>> Create<T>(T obj, WriteOptions? options = null) where T : class, KubeObject =>
        Send((obj, options), static (s, a) => s.Create(a.obj, a.options).Cast<T>());

    /// <summary>GET a namespaced object (or a cluster-scoped one, ignoring <paramref name="ns"/>).</summary>
    public ValueTask<ApiResult<T>> Get<T>(string? ns, string name) where T : class, KubeObject =>
        Send((ns, name), static (s, a) => s.Get(ResourceKinds.For<T>(), a.ns, a.name).Cast<T>());

    /// <summary>GET a cluster-scoped object.</summary>
    public ValueTask<ApiResult<T>> Get<T>(string name) where T : class, KubeObject => Get<T>(null, name);

    /// <summary>LIST objects of <typeparamref name="T"/> in a namespace (null: all namespaces), sorted by namespace and name.</summary>
    public async ValueTask<ApiResult<IReadOnlyList<T>>> List<T>(string? ns = null, string? labelSelector = null, string? fieldSelector = null) where T : class, KubeObject
    {
        var list = await List(ResourceKinds.For<T>(), ns, new ListOptions { LabelSelector = labelSelector, FieldSelector = fieldSelector });
        return list.IsSuccess ? ApiResult<IReadOnlyList<T>>.Ok(list.Value!.Items.Cast<T>().ToList()) : ApiResult<IReadOnlyList<T>>.Fail(list.Error!);
    }

    /// <summary>UPDATE the main resource.</summary>
    public ValueTask<ApiResult<T>> Update<T>(T obj, WriteOptions? options = null) where T : class, KubeObject =>
        Send((obj, options), static (s, a) => s.Update(a.obj, a.options).Cast<T>());

    /// <summary>UPDATE the status subresource.</summary>
    public ValueTask<ApiResult<T>> UpdateStatus<T>(T obj, WriteOptions? options = null) where T : class, KubeObject =>
        Send((obj, options), static (s, a) => s.UpdateStatus(a.obj, a.options).Cast<T>());

    /// <summary>PATCH an object (its status subresource when <paramref name="status"/>).</summary>
    public ValueTask<ApiResult<T>> Patch<T>(string? ns, string name, PatchType type, string patch, bool status = false) where T : class, KubeObject =>
        Send((ns, name, type, patch, status), static (s, a) => s.Patch(ResourceKinds.For<T>(), a.ns, a.name, a.type, a.patch, a.status).Cast<T>());

    /// <summary>DELETE an object.</summary>
    public ValueTask<ApiResult<T>> Delete<T>(string? ns, string name, DeleteOptions? options = null) where T : class, KubeObject =>
        Send((ns, name, options), static (s, a) => s.Delete(ResourceKinds.For<T>(), a.ns, a.name, a.options).Cast<T>());

    // ---------------------------------------------------------------- by kind

    /// <summary>GET an object of any kind.</summary>
    public ValueTask<ApiResult<KubeObject>> Get(ResourceKind kind, string? ns, string name) => Send((kind, ns, name), static (s, a) => s.Get(a.kind, a.ns, a.name));

    /// <summary>LIST objects of any kind.</summary>
    public ValueTask<ApiResult<ObjectList>> List(ResourceKind kind, string? ns = null, ListOptions? options = null) => Send((kind, ns, options), static (s, a) => s.List(a.kind, a.ns, a.options));

    /// <summary>CREATE an object of any kind.</summary>
    public ValueTask<ApiResult<KubeObject>> Create(KubeObject obj, WriteOptions? options = null) => Send((obj, options), static (s, a) => s.Create(a.obj, a.options));

    /// <summary>UPDATE an object of any kind.</summary>
    public ValueTask<ApiResult<KubeObject>> Update(KubeObject obj, WriteOptions? options = null) => Send((obj, options), static (s, a) => s.Update(a.obj, a.options));

    /// <summary>UPDATE the status subresource of an object of any kind.</summary>
    public ValueTask<ApiResult<KubeObject>> UpdateStatus(KubeObject obj, WriteOptions? options = null) => Send((obj, options), static (s, a) => s.UpdateStatus(a.obj, a.options));

    /// <summary>PATCH an object of any kind.</summary>
    public ValueTask<ApiResult<KubeObject>> Patch(ResourceKind kind, string? ns, string name, PatchType type, string patch, bool status = false) =>
        Send((kind, ns, name, type, patch, status), static (s, a) => s.Patch(a.kind, a.ns, a.name, a.type, a.patch, a.status));

    /// <summary>DELETE an object of any kind.</summary>
    public ValueTask<ApiResult<KubeObject>> Delete(ResourceKind kind, string? ns, string name, DeleteOptions? options = null) =>
        Send((kind, ns, name, options), static (s, a) => s.Delete(a.kind, a.ns, a.name, a.options));

    // ------------------------------------------------------------ subresources

    /// <summary>GET the scale subresource.</summary>
    public ValueTask<ApiResult<V1Scale>> GetScale(ResourceKind kind, string? ns, string name) => Send((kind, ns, name), static (s, a) => s.GetScale(a.kind, a.ns, a.name));

    /// <summary>UPDATE the scale subresource.</summary>
    public ValueTask<ApiResult<V1Scale>> UpdateScale(ResourceKind kind, string? ns, string name, int replicas, string? resourceVersion = null) =>
        Send((kind, ns, name, replicas, resourceVersion), static (s, a) => s.UpdateScale(a.kind, a.ns, a.name, a.replicas, a.resourceVersion));

    /// <summary>POST pods/binding.</summary>
    public ValueTask<ApiResult<V1Pod>> Bind(string ns, string podName, string nodeName, string? podUid = null) =>
        Send((ns, podName, nodeName, podUid), static (s, a) => s.Bind(a.ns, a.podName, a.nodeName, a.podUid));

    /// <summary>PUT namespaces/{name}/finalize; see <see cref="ApiServer.Finalize"/>.</summary>
    public ValueTask<ApiResult<V1Namespace>> Finalize(string name, IReadOnlyList<string> specFinalizers, string? resourceVersion = null) =>
        Send((name, specFinalizers, resourceVersion), static (s, a) => s.Finalize(a.name, a.specFinalizers, a.resourceVersion));

    // ------------------------------------------------------------------ watch

    /// <summary>
    /// WATCH a kind (see <see cref="ApiServer.Watch"/>): <paramref name="onEvent"/> hears each change in commit order
    /// until the stream closes; <paramref name="onClosed"/> hears why, when the server or the network closed it.
    /// </summary>
    public async ValueTask<ApiResult<WatchStream>> Watch(ResourceKind kind, string? ns, ListOptions? options, Action<WatchEvent> onEvent, Action<string>? onClosed = null)
    {
        if (_bucket is not null && _bucket.Reserve(_loop.Now) is { Ticks: > 0 } wait) await _loop.Delay(wait);
        return await _transport.Watch(Identity, kind, ns, options, onEvent, onClosed ?? (_ => { }));
    }

    /// <summary>WATCH <typeparamref name="T"/>.</summary>
    public ValueTask<ApiResult<WatchStream>> Watch<T>(string? ns, ListOptions? options, Action<WatchEvent> onEvent, Action<string>? onClosed = null) where T : class, KubeObject =>
        Watch(ResourceKinds.For<T>(), ns, options, onEvent, onClosed);
}
