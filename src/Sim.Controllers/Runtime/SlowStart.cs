namespace Sim.Controllers.Runtime;

/// <summary>
/// Kubernetes' slowStartBatch: creates in batches of 1, 2, 4, ... while every call in a batch succeeds; the first
/// failing batch stops the rest. The calls of one batch are in flight together, as upstream's goroutines are (started
/// in order; with the API server at hand each finishes before the next starts). Returns how many calls succeeded.
/// </summary>
public static class SlowStart
{
    /// <summary>Runs <paramref name="create"/> up to <paramref name="count"/> times in doubling batches.</summary>
    public static ValueTask<(int Succeeded, string? FirstError)> Batch(int count, int initialBatchSize, Func<ValueTask<string?>> create) =>
        Batch(count, initialBatchSize, _ => create());

    /// <summary>Runs <paramref name="create"/> for 0, 1, ... up to <paramref name="count"/> - 1 in doubling batches (each call is told which one it is).</summary>
    public static async ValueTask<(int Succeeded, string? FirstError)> Batch(int count, int initialBatchSize, Func<int, ValueTask<string?>> create)
    {
        var remaining = count;
        var successes = 0;
        for (var batch = Math.Min(remaining, initialBatchSize); batch > 0; batch = (int)Math.Min(2L * batch, remaining))
        {
            var calls = new ValueTask<string?>[batch];
            for (var i = 0; i < batch; i++) calls[i] = create(count - remaining + i);
            string? error = null;
            foreach (var call in calls)
            {
                var e = await call;
                if (e is null) successes++;
                else error ??= e;
            }
            if (error is not null) return (successes, error);
            remaining -= batch;
        }
        return (successes, null);
    }
}
