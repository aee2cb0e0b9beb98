using System.Globalization;
using k8s.Models;
using Sim.Core.Time;

namespace Sim.Core.Nodes;

/// <summary>One line a container prints, at an offset from its start.</summary>
public sealed record LogLine(SimDuration Offset, string Text);

/// <summary>
/// What a container does once started, derived from its command, args, image and KubeSim's annotations
/// (contracts.md section 2): run for a while and exit with a code, or run until stopped; what it prints; whether it
/// exits promptly on SIGTERM.
/// </summary>
/// <param name="RunFor">How long it runs before exiting on its own; null when it runs until stopped.</param>
/// <param name="ExitCode">The code it exits with when it exits on its own.</param>
/// <param name="Output">What it prints.</param>
/// <param name="HandlesSigterm">Whether SIGTERM stops it promptly; otherwise it is killed at the grace deadline (exit 137).</param>
public sealed record ContainerProgram(SimDuration? RunFor, int ExitCode, IReadOnlyList<LogLine> Output, bool HandlesSigterm)
{
    /// <summary>Annotation: run this long, then exit.</summary>
    public const string ExitAfterAnnotation = "kubesim.io/exit-after";

    /// <summary>Annotation: exit with this code.</summary>
    public const string ExitCodeAnnotation = "kubesim.io/exit-code";

    /// <summary>Annotation: CPU used per pod.</summary>
    public const string CpuAnnotation = "kubesim.io/cpu";

    /// <summary>Annotation: how long pulling the image takes.</summary>
    public const string ImagePullAnnotation = "kubesim.io/image-pull";

    private static readonly HashSet<string> Shells = ["sh", "bash", "ash", "dash", "zsh"];

    /// <summary>Works out what <paramref name="container"/> does.</summary>
    public static ContainerProgram For(V1Container container, IDictionary<string, string>? annotations)
    {
        var image = ImageCatalog.For(container.Image ?? "");
        var argv = (container.Command ?? []).Concat(container.Args ?? []).ToList();
        var program = argv.Count == 0
            ? new ContainerProgram(null, 0, image.StartupLogs.Select(l => new LogLine(SimDuration.Zero, l)).ToList(), image.HandlesSigterm)
            : FromArgv(argv);
        if (annotations is not null)
        {
            if (annotations.TryGetValue(ExitAfterAnnotation, out var after) && GoDuration.TryParse(after, out var d, out _))
                program = program with { RunFor = d };
            // A process's exit status is 8 bits: 256 reads as 0 and -1 as 255, as with `exit N`.
            if (annotations.TryGetValue(ExitCodeAnnotation, out var codeText) && long.TryParse(codeText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code))
                program = program with { ExitCode = (int)(code & 0xFF), RunFor = program.RunFor ?? SimDuration.Zero };
        }
        return program;
    }

    private static ContainerProgram FromArgv(IReadOnlyList<string> argv)
    {
        var name = Path.GetFileName(argv[0]);
        if (Shells.Contains(name))
        {
            var c = argv.ToList().IndexOf("-c");
            if (c >= 0 && c + 1 < argv.Count) return FromScript(argv[c + 1]);
            return new ContainerProgram(SimDuration.Zero, 0, [], false);
        }
        return FromScript(string.Join(' ', argv.Select(Quote)));
    }

    private static string Quote(string arg) => arg.Contains(' ') ? "'" + arg + "'" : arg;

    // A little shell: sequences of echo, sleep, true, false, exit; loops and tail -f run forever.
    private static ContainerProgram FromScript(string script)
    {
        var output = new List<LogLine>();
        var elapsed = SimDuration.Zero;
        var status = 0;
        if (script.Contains("while true", StringComparison.Ordinal) || script.Contains("while :", StringComparison.Ordinal)
            || script.Contains("tail -f", StringComparison.Ordinal) || script.Contains("sleep infinity", StringComparison.Ordinal))
        {
            foreach (var echo in Commands(script).Where(c => c.Length > 0 && c[0] == "echo").Take(1))
                output.Add(new LogLine(SimDuration.Zero, string.Join(' ', echo.Skip(1))));
            return new ContainerProgram(null, 0, output, false);
        }
        foreach (var words in Commands(script))
        {
            if (words.Length == 0) continue;
            switch (Path.GetFileName(words[0]))
            {
                case "echo":
                    output.Add(new LogLine(elapsed, string.Join(' ', words.Skip(1).Where(w => w != "-n" && w != "-e"))));
                    status = 0;
                    break;
                case "sleep":
                    if (words.Length > 1 && IsInfinite(words[1])) return new ContainerProgram(null, 0, output, false);
                    // A sleep too long to represent saturates, and so does the sum: the container simply never exits.
                    if (words.Length > 1 && ParseSleep(words[1]) is { } span)
                    {
                        elapsed += span;
                        status = 0;
                    }
                    else
                    {
                        // busybox's sleep (the seed's images) refuses what it cannot read, and the script goes on.
                        output.Add(new LogLine(elapsed, words.Length > 1 ? $"sleep: invalid number '{words[1]}'" : "sleep: missing operand"));
                        status = 1;
                    }
                    break;
                case "true" or ":":
                    status = 0;
                    break;
                case "false":
                    status = 1;
                    break;
                case "exit":
                    var code = words.Length > 1 && long.TryParse(words[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : status;
                    return new ContainerProgram(elapsed, (int)(code & 0xFF), output, false);
                default:
                    // An unknown program: assume a server that runs until stopped, as most images do.
                    return new ContainerProgram(null, 0, output, true);
            }
        }
        return new ContainerProgram(elapsed, status, output, false);
    }

    private static IEnumerable<string[]> Commands(string script) =>
        script.Split([";", "&&", "||", "\n"], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(c => c.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim('"', '\'')).ToArray());

    // GNU sleep reads "inf" and "infinity" in any case (strtod); busybox's sleep special-cases "inf" too.
    private static bool IsInfinite(string text) =>
        text.Equals("inf", StringComparison.OrdinalIgnoreCase) || text.Equals("infinity", StringComparison.OrdinalIgnoreCase);

    /// <summary>GNU sleep's argument: a number with an optional s, m, h or d suffix; null when it is not one.</summary>
    private static SimDuration? ParseSleep(string text)
    {
        var unit = 1.0;
        var number = text;
        if (text.Length > 1 && char.IsLetter(text[^1]))
        {
            unit = text[^1] switch { 's' => 1, 'm' => 60, 'h' => 3600, 'd' => 86400, _ => double.NaN };
            number = text[..^1];
        }
        // v >= 0 also refuses NaN; an infinite product saturates to the longest span.
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && !double.IsNaN(unit) && v >= 0
            ? SimDuration.FromSeconds(v * unit)
            : null;
    }
}
