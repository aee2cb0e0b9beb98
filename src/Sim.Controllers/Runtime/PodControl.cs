using k8s.Models;
using Sim.Core.Events;

namespace Sim.Controllers.Runtime;

/// <summary>
/// Creates and deletes an owner's pods through a controller's client, with the events upstream's
/// <c>RealPodControl</c> records (<c>SuccessfulCreate</c> "Created pod: NAME", <c>FailedCreate</c> "Error creating: ERR",
/// <c>SuccessfulDelete</c> "Deleted pod: NAME", <c>FailedDelete</c> "Error deleting: ERR"), and keeps the owner's
/// expectations straight around them: a create or delete that will never be observed is taken off at once.
/// </summary>
public sealed class PodControl(ApiClient client, EventRecorder events, ControllerExpectations expectations)
{
    /// <summary>The expectations these creates and deletes keep.</summary>
    public ControllerExpectations Expectations => expectations;

    /// <summary>
    /// Creates one pod for <paramref name="owner"/>. A refusal because the namespace is being deleted is recorded as
    /// nothing (every create there fails; the namespace controller is removing the owner anyway).
    /// </summary>
    public async ValueTask<ApiResult<V1Pod>> Create(KubeObject owner, V1Pod pod)
    {
        if (pod.Metadata.Labels is not { Count: > 0 }) return ApiResult<V1Pod>.Fail(new ApiError(400, "BadRequest", "unable to create pods, no labels"));
        var result = await client.Create(pod);
        if (result.IsSuccess) events.Normal(owner, "SuccessfulCreate", $"Created pod: {result.Value!.Metadata.Name}");
        else if (!result.Error!.NamespaceTerminating) events.Warning(owner, "FailedCreate", $"Error creating: {result.Error.Message}");
        return result;
    }

    /// <summary>Deletes one pod of <paramref name="owner"/>; an error is worded as upstream returns it ("unable to delete pods: ERR"), NotFound as the plain error.</summary>
    public async ValueTask<ApiResult<V1Pod>> Delete(KubeObject owner, V1Pod pod, DeleteOptions? options = null)
    {
        var result = await client.Delete<V1Pod>(pod.Metadata.NamespaceProperty, pod.Metadata.Name, options);
        if (result.IsSuccess) events.Normal(owner, "SuccessfulDelete", $"Deleted pod: {pod.Metadata.Name}");
        else if (!result.IsNotFound) events.Warning(owner, "FailedDelete", $"Error deleting: {result.Error!.Message}");
        return result;
    }

    /// <summary>
    /// Creates <paramref name="count"/> pods made by <paramref name="make"/> (told which one of the batch it makes) in
    /// slow-start batches, after the caller raised the expectation by as many. Each create that fails or is never made
    /// lowers it again, except where the namespace is being deleted. Returns the first error, or null.
    /// </summary>
    public async ValueTask<string?> CreateMany(NamespacedName key, KubeObject owner, int count, Func<int, V1Pod> make) =>
        (await CreateManyCounted(key, owner, count, make)).FirstError;

    /// <summary>
    /// <see cref="CreateMany"/>, also telling how many pods were created (a refusal because the namespace is being deleted
    /// counts as created, as upstream's Job controller counts it), for owners whose status counts them at once.
    /// </summary>
    public async ValueTask<(int Created, string? FirstError)> CreateManyCounted(NamespacedName key, KubeObject owner, int count, Func<int, V1Pod> make)
    {
        var (succeeded, error) = await SlowStart.Batch(count, 1, async i =>
        {
            var result = await Create(owner, make(i));
            // A namespace being deleted refuses every create: not an error to retry, and nothing will be observed.
            if (result.IsSuccess || result.Error!.NamespaceTerminating) return null;
            return result.Error.Message;
        });
        // Creates that failed or were skipped will not be observed: lower the expectation by as many.
        for (var i = succeeded; i < count; i++) expectations.CreationObserved(key);
        return (succeeded, error);
    }

    /// <summary>
    /// Deletes <paramref name="victims"/>, in flight together as upstream's goroutines are, after the caller raised the
    /// expectation for their uids. A delete that fails lowers it again; one that finds the pod gone is no error. Returns
    /// the first error, or null.
    /// </summary>
    public async ValueTask<string?> DeleteMany(NamespacedName key, KubeObject owner, IReadOnlyList<V1Pod> victims)
    {
        var calls = new ValueTask<ApiResult<V1Pod>>[victims.Count];
        for (var i = 0; i < victims.Count; i++) calls[i] = Delete(owner, victims[i]);
        string? error = null;
        for (var i = 0; i < calls.Length; i++)
        {
            var result = await calls[i];
            if (result.IsSuccess) continue;
            expectations.DeletionObserved(key, victims[i].Metadata.Uid);
            if (!result.IsNotFound) error ??= "unable to delete pods: " + result.Error!.Message;
        }
        return error;
    }
}
