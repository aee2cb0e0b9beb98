namespace Sim.Fuzz.Tests;

/// <summary>Makes a failing case smaller while it fails the same way: fewer mutations, then the simplest command.</summary>
internal static class Shrinker
{
    public static FuzzOutcome Shrink(FuzzOutcome failure, int budget = 40)
    {
        var best = failure;
        var tries = 0;
        bool smaller;
        do
        {
            smaller = false;
            for (var i = 0; i < best.Case.Mutations.Count && best.Case.Mutations.Count > 1 && tries < budget; i++, tries++)
            {
                var fewer = best.Case with { Mutations = best.Case.Mutations.Where((_, j) => j != i).ToList() };
                if (SameFailure(fewer, best) is { } o)
                {
                    best = o;
                    smaller = true;
                    break;
                }
            }
        }
        while (smaller && tries < budget);
        if (best.Case.Flags != 0 && SameFailure(best.Case with { Flags = 0 }, best) is { } plain) best = plain;
        return best;
    }

    private static FuzzOutcome? SameFailure(FuzzCase candidate, FuzzOutcome like)
    {
        var o = FuzzHarness.Run(candidate);
        return o.Problem is not null && o.Signature == like.Signature ? o : null;
    }
}
