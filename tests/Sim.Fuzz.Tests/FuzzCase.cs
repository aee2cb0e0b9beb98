using CsCheck;

namespace Sim.Fuzz.Tests;

/// <summary>
/// One fuzz input: a corpus file to start from, which of its files to mutate, the mutations, and how to call kubesim
/// (validate or run, with which options). A plain value: the same case writes the same files and runs the same command.
/// </summary>
internal sealed record FuzzCase(int Subject, int Target, IReadOnlyList<Mutation> Mutations, int Mode, int Flags)
{
    private static readonly Gen<MutationKind> Kinds = Gen.Frequency(
        // Edits that keep the YAML readable come first: they reach defaulting, validation and the simulation.
        (2, Gen.Const(MutationKind.DeleteLine)), (1, Gen.Const(MutationKind.DuplicateLine)), (1, Gen.Const(MutationKind.SwapLines)),
        (1, Gen.Const(MutationKind.Indent)), (1, Gen.Const(MutationKind.InsertTab)), (12, Gen.Const(MutationKind.ReplaceValue)),
        (10, Gen.Const(MutationKind.ReplaceNumber)), (6, Gen.Const(MutationKind.InsertItem)), (12, Gen.Const(MutationKind.InsertField)),
        (1, Gen.Const(MutationKind.Truncate)), (1, Gen.Const(MutationKind.AppendDocument)), (1, Gen.Const(MutationKind.ByteOrderMark)),
        (1, Gen.Const(MutationKind.CrLf)), (2, Gen.Const(MutationKind.FlipChar)), (1, Gen.Const(MutationKind.AliasBomb)),
        (1, Gen.Const(MutationKind.Repeat)));

    private static readonly Gen<Mutation> Mutation = Gen.Select(Kinds, Gen.Int[0, 1 << 20], Gen.Int[0, 1 << 20], Gen.Int[0, 1 << 20],
        (k, a, b, v) => new Mutation(k, a, b, v));

    /// <summary>Cases: one to four mutations of one file of a lesson or a seed manifest.</summary>
    public static readonly Gen<FuzzCase> Cases = Gen.Select(Gen.Int[0, Corpus.All.Count - 1], Gen.Int[0, 1 << 10],
        Gen.Frequency((6, Mutation.Array[1, 1]), (3, Mutation.Array[2, 2]), (1, Mutation.Array[3, 4])), Gen.Int[0, 7], Gen.Int[0, 15],
        (subject, target, mutations, mode, flags) => new FuzzCase(subject, target, mutations, mode, flags));

    /// <summary>The case drawn for index <paramref name="index"/> of a run seeded with <paramref name="seed"/>.</summary>
    public static FuzzCase Draw(ulong seed, long index) => Cases.Generate(new PCG(1, seed * 1_000_003UL + (ulong)index), null, out _);

    public CorpusFile Start => Corpus.All[Subject];

    /// <summary>True when the case mutates a seed manifest rather than the lesson itself.</summary>
    private bool MutatesManifest => !Start.IsLesson || Target % 3 != 0;

    // Of a lesson's manifests, one it applies (so that the mutation is read), else any.
    private CorpusFile MutatedManifest
    {
        get
        {
            var used = Corpus.Manifests.Where(m => Start.Text.Contains(m.Name, StringComparison.Ordinal)).ToList();
            var pool = used.Count > 0 ? used : [.. Corpus.Manifests];
            return pool[Target % pool.Count];
        }
    }

    /// <summary>Writes the case's files under <paramref name="dir"/> and returns the kubesim arguments and every input file.</summary>
    public (string[] Args, IReadOnlyList<string> Files) Materialize(string dir)
    {
        var manifests = Path.Combine(dir, "manifests");
        Directory.CreateDirectory(manifests);
        var mutated = !Start.IsLesson ? Start : MutatedManifest;
        var files = new List<string>();
        foreach (var m in Corpus.Manifests)
        {
            var path = Path.Combine(manifests, m.Name);
            File.WriteAllText(path, MutatesManifest && m == mutated ? Mutated(m.Text) : m.Text);
            files.Add(path);
        }
        string subject;
        if (Start.IsLesson)
        {
            subject = Path.Combine(dir, Start.Name);
            File.WriteAllText(subject, MutatesManifest ? Start.Text : Mutated(Start.Text));
        }
        else if (Mode % 2 == 0)
        {
            return (["validate", Path.Combine(manifests, Start.Name)], files);
        }
        else
        {
            // A manifest is also run: applied at the start of a short scenario, so the kubelet, scheduler and controllers see it.
            subject = Path.Combine(dir, "apply.yaml");
            File.WriteAllText(subject, $"name: fuzz\nduration: 3m\nsteps:\n  - at: 0s\n    apply: manifests/{Start.Name}\n  - at: 2m\n    expect: [{{pods: {{}}, atLeast: 0}}]\n");
        }
        files.Add(subject);
        if (Mode == 7) return (["validate", subject], files);
        var args = new List<string> { "run", subject };
        if ((Flags & 1) != 0) args.AddRange(["--output", "json"]);
        if ((Flags & 2) != 0) args.AddRange(["--history", Path.Combine(dir, "history.jsonl")]);
        if ((Flags & 4) != 0) args.AddRange(["--seed", "7"]);
        if ((Flags & 8) != 0) args.AddRange(["--until", "90s"]);
        return ([.. args], files);
    }

    private string Mutated(string text)
    {
        foreach (var m in Mutations) text = m.Apply(text);
        return text;
    }

    /// <summary>How to replay the case, for a failure report.</summary>
    public override string ToString() =>
        $"{Start.Name}{(Start.IsLesson && MutatesManifest ? " (its manifest " + MutatedManifest.Name + ")" : "")} " +
        $"mode {Mode} flags {Flags}: {string.Join(", ", Mutations)}";
}
