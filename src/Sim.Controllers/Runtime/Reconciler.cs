using Sim.Core.Time;

namespace Sim.Controllers.Runtime;

/// <summary>A namespace and name: what work queues carry.</summary>
public readonly record struct NamespacedName(string Namespace, string Name)
{
    /// <inheritdoc />
    public override string ToString() => Namespace.Length == 0 ? Name : Namespace + "/" + Name;
}

/// <summary>What a reconcile asks for next: nothing, a later look, or a retry with backoff.</summary>
public readonly record struct ReconcileResult(SimDuration? RequeueAfter, string? Error)
{
    /// <summary>Done until something changes.</summary>
    public static ReconcileResult Done => default;

    /// <summary>Look again after <paramref name="delay"/>.</summary>
    public static ReconcileResult After(SimDuration delay) => new(delay, null);

    /// <summary>Failed (e.g. a conflict): retry with the queue's backoff.</summary>
    public static ReconcileResult Retry(string why) => new(null, why);
}

/// <summary>
/// A controller: handlers enqueue keys; each key is reconciled by reading the current state from informers and
/// writing through the API, level-triggered and idempotent. A reconcile may wait for the API (its writes are
/// awaited); up to <c>workers</c> keys are reconciled at once, never one key twice at a time. Keys are processed
/// once the process's informers have synced, as controllers wait for their caches upstream.
/// </summary>
public abstract class Reconciler
{
    /// <summary>
    /// A reconciler named <paramref name="component"/> whose queue runs on <paramref name="context"/>'s loop with
    /// <paramref name="workers"/> workers, retrying failures after <paramref name="baseRetryDelay"/> (the queue's default
    /// when null) doubling to at most <paramref name="maxRetryDelay"/>.
    /// </summary>
    protected Reconciler(ControllerContext context, string component, SimDuration? maxRetryDelay = null, int workers = 5, SimDuration? baseRetryDelay = null)
    {
        Context = context;
        Client = context.ClientFor(component);
        Queue = new WorkQueue<NamespacedName>(context.Loop, Process, maxRetryDelay, workers, baseRetryDelay);
    }

    /// <summary>Shared machinery: loop, informers, clock.</summary>
    protected ControllerContext Context { get; }

    /// <summary>This controller's own API client.</summary>
    protected ApiClient Client { get; }

    /// <summary>This controller's work queue.</summary>
    protected WorkQueue<NamespacedName> Queue { get; }

    /// <summary>Enqueues an object's key.</summary>
    protected void Enqueue(KubeObject obj) => Queue.Add(new NamespacedName(obj.Metadata.NamespaceProperty ?? "", obj.Metadata.Name));

    /// <summary>Reconciles one key.</summary>
    protected abstract ValueTask<ReconcileResult> Reconcile(NamespacedName key);

    private async ValueTask Process(NamespacedName key)
    {
        if (!Context.Informers.HasSynced)
        {
            // WaitForCacheSync: a controller acts on nothing until its caches are full (it polls every 100 ms).
            Queue.AddAfter(key, SimDuration.FromMilliseconds(100));
            return;
        }
        var result = await Reconcile(key);
        if (result.Error is not null)
        {
            Queue.AddRateLimited(key);
            return;
        }
        Queue.Forget(key);
        if (result.RequeueAfter is { } after) Queue.AddAfter(key, after);
    }
}
