using Sim.Controllers.Runtime;
using Sim.Core.Api;

namespace Sim.Controllers.GarbageCollector;

/// <summary>
/// kube-controller-manager's garbage collector: watches every served kind (Events excepted), keeps a dependency
/// graph by uid from <c>metadata.ownerReferences</c>, and carries out deletion propagation.
/// <list type="bullet">
/// <item>Background: an object whose owners are all gone (each looked up by name through the API and compared by
/// uid) is deleted, with Background propagation and a uid precondition, so deletion cascades level by level.</item>
/// <item>Foreground: an owner marked with <c>foregroundDeletion</c> has its dependents deleted (in the foreground
/// when they have dependents of their own); once no dependent with <c>blockOwnerDeletion: true</c> exists, the
/// finalizer is removed and the owner disappears.</item>
/// <item>Orphan: an owner marked with <c>orphan</c> has its reference removed from every dependent, then the
/// finalizer is removed.</item>
/// </list>
/// </summary>
/// <remarks>
/// Construct it with the process's <see cref="ControllerContext"/> (its client should identify as
/// <c>generic-garbage-collector</c>) before the context's informers are started. Work runs on the loop through two
/// rate-limited queues keyed by uid; failed writes (conflicts) retry with backoff. Not thread-safe: loop only.
/// </remarks>
public sealed partial class GarbageCollectorController
{
    /// <summary>The user agent kube-controller-manager's collector uses.</summary>
    public const string UserAgent = "generic-garbage-collector";

    /// <summary>The component its Events come from.</summary>
    public const string Component = "garbage-collector-controller";

    private readonly DependencyGraph _graph = new();
    private readonly ObjectOperations _api;
    private readonly WorkQueue<string> _attemptToDelete;
    private readonly WorkQueue<string> _attemptToOrphan;

    /// <summary>A collector on <paramref name="context"/>: registers its handlers on every kind's shared informer.</summary>
    public GarbageCollectorController(ControllerContext context)
    {
        _api = new ObjectOperations(context.ClientFor(UserAgent));
        // kube-controller-manager's --concurrent-gc-syncs (20) workers for deletions; orphaning has one.
        _attemptToDelete = new WorkQueue<string>(context.Loop, RunAttemptToDelete, workers: 20);
        _attemptToOrphan = new WorkQueue<string>(context.Loop, RunAttemptToOrphan, workers: 1);
        var builder = new GraphBuilder(_graph, _attemptToDelete.Add, _attemptToOrphan.Add, context.Recorder(Component));
        ResourceMonitors.Attach(context.Informers, builder);
    }

    /// <summary>The dependency graph (for tests and diagnostics).</summary>
    internal DependencyGraph Graph => _graph;

    private ValueTask RunAttemptToDelete(string uid) => Process(_attemptToDelete, uid, AttemptToDeleteItem);

    private ValueTask RunAttemptToOrphan(string uid) => Process(_attemptToOrphan, uid, AttemptToOrphan);

    private static async ValueTask Process(WorkQueue<string> queue, string uid, Func<string, ValueTask<ReconcileResult>> work)
    {
        var result = await work(uid);
        if (result.Error is not null)
        {
            queue.AddRateLimited(uid);
            return;
        }
        queue.Forget(uid);
        if (result.RequeueAfter is { } after) queue.AddAfter(uid, after);
    }

    // Success, or the object is already gone: done. Anything else (a conflict, a timeout) is retried with backoff.
    private static ReconcileResult Outcome(ApiResult<KubeObject> result) =>
        result.IsSuccess || result.IsNotFound ? ReconcileResult.Done : ReconcileResult.Retry(result.Error!.ToString());
}
