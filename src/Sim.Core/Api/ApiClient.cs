using k8s.Models;
using Sim.Core.Api.Watch;

namespace Sim.Core.Api;

/// <summary>
/// A typed client of one <see cref="ApiServer"/>, as a controller, kubelet or user holds it: every read and write goes
/// through the server's API semantics. <see cref="UserAgent"/> names the caller (the simulated network uses it).
/// </summary>
public sealed class ApiClient
{
    internal ApiClient(ApiServer server, string userAgent)
    {
        Server = server;
        UserAgent = userAgent;
    }

    /// <summary>The server this client talks to.</summary>
    public ApiServer Server { get; }

    /// <summary>Who is calling, e.g. <c>kubelet/node-1</c> or <c>replicaset-controller</c>.</summary>
    public string UserAgent { get; }

    /// <summary>CREATE; the object belongs to the server afterwards.</summary>
    public ApiResult<T> Create<T>(T obj, WriteOptions? options = null) where T : class, KubeObject =>
        Server.Create(obj, options).Cast<T>();

    /// <summary>GET a namespaced object (or a cluster-scoped one, ignoring <paramref name="ns"/>).</summary>
    public ApiResult<T> Get<T>(string? ns, string name) where T : class, KubeObject =>
        Server.Get(ResourceKinds.For<T>(), ns, name).Cast<T>();

    /// <summary>GET a cluster-scoped object.</summary>
    public ApiResult<T> Get<T>(string name) where T : class, KubeObject => Get<T>(null, name);

    /// <summary>The object, or null when it does not exist.</summary>
    public T? Find<T>(string? ns, string name) where T : class, KubeObject =>
        (T?)Server.Find(ResourceKinds.For<T>(), ns, name);

    /// <summary>LIST objects in a namespace (null: all namespaces), sorted by namespace and name.</summary>
    public IReadOnlyList<T> List<T>(string? ns = null, string? labelSelector = null, string? fieldSelector = null) where T : class, KubeObject
    {
        var result = Server.List(ResourceKinds.For<T>(), ns, new ListOptions { LabelSelector = labelSelector, FieldSelector = fieldSelector });
        if (!result.IsSuccess) throw new ArgumentException(result.Error!.Message);
        return result.Value!.Items.Cast<T>().ToList();
    }

    /// <summary>UPDATE the main resource.</summary>
    public ApiResult<T> Update<T>(T obj, WriteOptions? options = null) where T : class, KubeObject =>
        Server.Update(obj, options).Cast<T>();

    /// <summary>UPDATE the status subresource.</summary>
    public ApiResult<T> UpdateStatus<T>(T obj, WriteOptions? options = null) where T : class, KubeObject =>
        Server.UpdateStatus(obj, options).Cast<T>();

    /// <summary>PATCH an object.</summary>
    public ApiResult<T> Patch<T>(string? ns, string name, PatchType type, string patch, bool status = false) where T : class, KubeObject =>
        Server.Patch(ResourceKinds.For<T>(), ns, name, type, patch, status).Cast<T>();

    /// <summary>DELETE an object.</summary>
    public ApiResult<T> Delete<T>(string? ns, string name, DeleteOptions? options = null) where T : class, KubeObject =>
        Server.Delete(ResourceKinds.For<T>(), ns, name, options).Cast<T>();

    /// <summary>POST pods/binding.</summary>
    public ApiResult<V1Pod> Bind(string ns, string podName, string nodeName, string? podUid = null) =>
        Server.Bind(ns, podName, nodeName, podUid);

    /// <summary>PUT namespaces/{name}/finalize; see <see cref="ApiServer.Finalize"/>.</summary>
    public ApiResult<V1Namespace> Finalize(string name, IReadOnlyList<string> specFinalizers, string? resourceVersion = null) =>
        Server.Finalize(name, specFinalizers, resourceVersion);

    /// <summary>WATCH a kind; see <see cref="ApiServer.Watch"/>.</summary>
    public ApiResult<WatchSubscription> Watch<T>(string? ns, ListOptions? options, Action<WatchEvent> handler) where T : class, KubeObject =>
        Server.Watch(ResourceKinds.For<T>(), ns, options, handler);
}
