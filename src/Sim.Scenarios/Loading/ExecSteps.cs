using Sim.Core.Api;
using Sim.Core.Manifests;
using Sim.Scenarios.Model;

namespace Sim.Scenarios.Loading;

/// <summary>Reads the <c>exec</c> action and the <c>exec</c> expectation.</summary>
internal static class ExecSteps
{
    /// <summary><c>exec: {pod, container, namespace, command: [...]}</c>.</summary>
    public static ExecAction? ReadAction(YNode body, YamlFields f, string what = "\"exec\"")
    {
        if (f.Mapping(body, what) is not { } map) return null;
        f.OnlyKeys(map, what, "pod", "container", "namespace", "command");
        var pod = f.String(map, "pod", required: true, what: what);
        var container = f.String(map, "container");
        var ns = f.String(map, "namespace") ?? "default";
        var command = Command(map, f, what);
        if (pod is null || command is null) return null;
        return new ExecAction(ns, pod, container, command);
    }

    private static List<string>? Command(YMapping map, YamlFields f, string what)
    {
        var node = f.Get(map, "command");
        if (node is null)
        {
            f.Error(map.Start, $"missing required field \"command\" in {what} (a list of words, e.g. [\"sh\", \"-c\", \"echo hi > /data/f\"])");
            return null;
        }
        if (node is not YSequence { Items.Count: > 0 } seq || seq.Items.Any(i => i is not YScalar { IsNull: false }))
        {
            f.Error(node.Start, "\"command\" must be a non-empty list of strings, one word each, e.g. [\"sh\", \"-c\", \"echo hi > /data/f\"]");
            return null;
        }
        var words = seq.Items.Cast<YScalar>().Select(s => s.Value).ToList();
        if (words[0].Length == 0)
        {
            f.Error(seq.Items[0].Start, "\"command\" starts with an empty word: it names no program");
            return null;
        }
        return words;
    }

    /// <summary><c>- exec: {pod, container, command}</c> with <c>stdout</c>, <c>stderr</c> (a text, or <c>{contains: TEXT}</c>) and/or <c>exitCode</c>.</summary>
    public static ExecExpectation? ReadExpectation(YMapping map, YamlFields f)
    {
        f.OnlyKeys(map, "an exec expectation", "exec", "stdout", "stderr", "exitCode");
        var exec = ReadAction(f.Get(map, "exec")!, f, "the exec expectation's \"exec\"");
        var stdout = Text(map, "stdout", f);
        var stderr = Text(map, "stderr", f);
        var exitCode = f.Integer(map, "exitCode", min: 0, max: 255);
        if (map.Find("stdout") is null && map.Find("stderr") is null && map.Find("exitCode") is null)
            f.Error(map.Start, "an exec expectation needs \"stdout\", \"stderr\" or \"exitCode\"");
        if (exec is null) return null;
        return new ExecExpectation(exec, stdout, stderr, (int?)exitCode) { Position = map.Start };
    }

    private static TextCheck? Text(YMapping map, string key, YamlFields f)
    {
        switch (f.Get(map, key))
        {
            case null:
                return null;
            case YScalar s:
                return new TextCheck(s.IsNull ? "" : s.Value, null);
            case YMapping m:
                f.OnlyKeys(m, GoValue.Quote(key), "contains", "equals");
                var contains = f.String(m, "contains");
                var equals = f.String(m, "equals");
                if (contains is null == equals is null)
                {
                    // An unknown key has been reported already.
                    if (contains is not null || m.Entries.Count == 0) f.Error(m.Start, $"{GoValue.Quote(key)} takes one of \"contains\" or \"equals\"");
                    return null;
                }
                return new TextCheck(equals, contains);
            case var other:
                f.Error(other.Start, $"{GoValue.Quote(key)} must be a text, or {{contains: TEXT}}");
                return null;
        }
    }
}
