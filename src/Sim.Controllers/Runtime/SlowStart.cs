namespace Sim.Controllers.Runtime;

/// <summary>
/// Kubernetes' slowStartBatch: creates in batches of 1, 2, 4, ... while every call in a batch succeeds; the first
/// failing batch stops the rest. Returns how many calls succeeded.
/// </summary>
public static class SlowStart
{
    /// <summary>Runs <paramref name="create"/> up to <paramref name="count"/> times in doubling batches.</summary>
    public static (int Succeeded, string? FirstError) Batch(int count, int initialBatchSize, Func<string?> create)
    {
        var remaining = count;
        var successes = 0;
        for (var batch = Math.Min(remaining, initialBatchSize); batch > 0; batch = (int)Math.Min(2L * batch, remaining))
        {
            string? error = null;
            for (var i = 0; i < batch; i++)
            {
                var e = create();
                if (e is null) successes++;
                else error ??= e;
            }
            if (error is not null) return (successes, error);
            remaining -= batch;
        }
        return (successes, null);
    }
}
