using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace Sim.Fuzz.Tests;

/// <summary>
/// Mutates the seed manifests and the lessons and feeds them to <c>kubesim validate</c> and <c>kubesim run</c>:
/// every input must end in exit 0, 1 or 2, without a stack trace, with every refusal naming its file, within
/// <see cref="FuzzHarness.Limit"/>. CI runs a fixed budget; <c>KUBESIM_FUZZ_CASES=N</c> runs more and
/// <c>KUBESIM_FUZZ_SEED=S</c> draws other cases.
/// </summary>
public class InputFuzzTests(ITestOutputHelper output)
{
    private const int DefaultCases = 2_000;

    [Fact]
    public void NoMutatedInputCrashesHangsOrLosesItsFileName()
    {
        var cases = long.TryParse(Environment.GetEnvironmentVariable("KUBESIM_FUZZ_CASES"), out var n) ? n : DefaultCases;
        var seed = ulong.TryParse(Environment.GetEnvironmentVariable("KUBESIM_FUZZ_SEED"), out var s) ? s : 1UL;
        var failures = new Dictionary<string, (FuzzOutcome First, int Count)>();
        var exits = new SortedDictionary<int, long>();
        var clock = Stopwatch.StartNew();
        var slowest = TimeSpan.Zero;
        for (long i = 0; i < cases; i++)
        {
            var outcome = FuzzHarness.Run(FuzzCase.Draw(seed, i));
            exits[outcome.Exit] = exits.GetValueOrDefault(outcome.Exit) + 1;
            if (outcome.Elapsed > slowest) slowest = outcome.Elapsed;
            if (Environment.GetEnvironmentVariable("KUBESIM_FUZZ_TRACE") is not null)
                output.WriteLine($"#{i} exit {outcome.Exit} {outcome.Elapsed.TotalMilliseconds:F0} ms {outcome.Case}: {outcome.Stderr.Split('\n')[0]}");
            if (outcome.Problem is null) continue;
            failures[outcome.Signature] = failures.TryGetValue(outcome.Signature, out var seen) ? (seen.First, seen.Count + 1) : (outcome, 1);
        }
        var summary = $"{cases} cases (seed {seed}) in {clock.Elapsed.TotalSeconds:F1} s, slowest {slowest.TotalMilliseconds:F0} ms; exits: {string.Join(", ", exits.Select(e => $"{e.Key}: {e.Value}"))}";
        output.WriteLine(summary);
        if (failures.Count == 0) return;
        var report = new StringBuilder(summary).AppendLine().AppendLine($"{failures.Count} distinct problems:");
        foreach (var (_, (first, count)) in failures.OrderByDescending(f => f.Value.Count).Take(12))
        {
            var small = Shrinker.Shrink(first);
            var kept = FuzzHarness.Run(small.Case, keep: true);
            report.AppendLine($"- {count}x {small.Problem}{small.Where}").AppendLine($"  case: {small.Case}; its files: {kept.Directory}");
        }
        Assert.Fail(report.ToString());
    }
}
