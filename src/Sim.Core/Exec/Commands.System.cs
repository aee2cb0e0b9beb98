using System.Globalization;
using System.Text;
using Sim.Core.Nodes.Files;
using Sim.Core.Time;

namespace Sim.Core.Exec;

// The programs about the process and its world: hostname, env, printenv, date, sleep, whoami; and test.
internal static partial class Commands
{
    private static int Hostname(CommandCall call)
    {
        var id = call.Context.Identity;
        var (flags, operands, bad) = Options(call.Args, "fsdiIA");
        if (bad is { } b) return BadOption(call, b);
        if (operands.Count > 0)
        {
            // Setting the hostname needs CAP_SYS_ADMIN, which containers do not have.
            call.Error(Busybox(call) ? "sethostname: Operation not permitted" : "you must be root to change the host name");
            return 1;
        }
        string text;
        if (flags.Contains('f') || flags.Contains('A')) text = id.Fqdn;
        else if (flags.Contains('d')) text = id.Fqdn.Contains('.') ? id.Fqdn[(id.Fqdn.IndexOf('.') + 1)..] : "";
        else if (flags.Contains('i') || flags.Contains('I')) text = id.PodIp ?? "";
        else if (flags.Contains('s')) text = id.Hostname.Split('.')[0];
        else text = id.Hostname;
        call.Out.Append(text).Append('\n');
        return 0;
    }

    // env [-i] [NAME=VALUE]... [COMMAND [ARG]...]
    private static async ValueTask<int> Env(CommandCall call)
    {
        var env = call.Environment.ToList();
        var i = 0;
        if (i < call.Args.Count && call.Args[i] is "-i" or "-")
        {
            env.Clear();
            i++;
        }
        for (; i < call.Args.Count && call.Args[i].IndexOf('=') > 0; i++)
        {
            var eq = call.Args[i].IndexOf('=');
            Put(env, call.Args[i][..eq], call.Args[i][(eq + 1)..]);
        }
        if (i >= call.Args.Count)
        {
            foreach (var (k, v) in env) call.Out.Append(k).Append('=').Append(v).Append('\n');
            return 0;
        }
        var name = call.Args[i];
        var (body, _) = Find(call.Context, call.Path(name), name);
        if (body is null)
        {
            call.Error(Busybox(call) ? $"can't execute '{name}': No such file or directory" : $"'{name}': No such file or directory");
            return 127;
        }
        return await body(new CommandCall
        {
            Shell = call.Shell,
            Name = Path.GetFileName(name),
            Args = call.Args.Skip(i + 1).ToList(),
            Stdin = call.Stdin,
            Out = call.Out,
            Err = call.Err,
            Environment = env,
        });
    }

    private static int Printenv(CommandCall call)
    {
        if (call.Args.Count == 0)
        {
            foreach (var (k, v) in call.Environment) call.Out.Append(k).Append('=').Append(v).Append('\n');
            return 0;
        }
        var status = 0;
        foreach (var name in call.Args)
        {
            var hit = call.Environment.Where(e => e.Key == name).Select(e => e.Value).FirstOrDefault();
            if (hit is null) status = 1;
            else call.Out.Append(hit).Append('\n');
        }
        return status;
    }

    // date [-u] [+FORMAT]: the virtual clock, in UTC (containers have no TZ), by default "Wed Jan  1 00:00:00 UTC 2025".
    private static int Date(CommandCall call)
    {
        var format = "%a %b %e %H:%M:%S %Z %Y";
        foreach (var a in call.Args)
        {
            if (a.StartsWith('+')) format = a[1..];
            else if (a is "-u" or "-R" or "--utc") format = a == "-R" ? "%a, %d %b %Y %H:%M:%S +0000" : format;
            else
            {
                call.Error(Busybox(call) ? $"invalid date '{a}'" : $"invalid date '{a}'");
                return 1;
            }
        }
        call.Out.Append(Strftime(format, call.Context.Clock.Now)).Append('\n');
        return 0;
    }

    internal static string Strftime(string format, SimTime time)
    {
        var t = time.ToDateTime();
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                sb.Append(format[i]);
                continue;
            }
            var spec = format[++i];
            sb.Append(spec switch
            {
                'a' => t.ToString("ddd", c),
                'A' => t.ToString("dddd", c),
                'b' or 'h' => t.ToString("MMM", c),
                'B' => t.ToString("MMMM", c),
                'd' => t.ToString("dd", c),
                'e' => t.Day.ToString(c).PadLeft(2),
                'H' => t.ToString("HH", c),
                'I' => t.ToString("hh", c),
                'j' => t.DayOfYear.ToString("000", c),
                'm' => t.ToString("MM", c),
                'M' => t.ToString("mm", c),
                'S' => t.ToString("ss", c),
                'N' => (t.Ticks % TimeSpan.TicksPerSecond * 100).ToString("000000000", c),
                'p' => t.Hour < 12 ? "AM" : "PM",
                'y' => t.ToString("yy", c),
                'Y' => t.Year.ToString(c),
                'Z' => "UTC",
                'z' => "+0000",
                's' => ((long)(t - DateTime.UnixEpoch).TotalSeconds).ToString(c),
                'u' => (((int)t.DayOfWeek + 6) % 7 + 1).ToString(c),
                'w' => ((int)t.DayOfWeek).ToString(c),
                'F' => t.ToString("yyyy-MM-dd", c),
                'T' => t.ToString("HH:mm:ss", c),
                'D' => t.ToString("MM/dd/yy", c),
                'R' => t.ToString("HH:mm", c),
                'c' => Strftime("%a %b %e %H:%M:%S %Y", time),
                'n' => "\n",
                't' => "\t",
                '%' => "%",
                _ => "%" + spec,
            });
        }
        return sb.ToString();
    }

    // sleep N[smhd]...: virtual time passes; a process killed meanwhile ends there.
    private static async ValueTask<int> Sleep(CommandCall call)
    {
        if (call.Args.Count == 0) return MissingOperand(call, "number");
        var total = SimDuration.Zero;
        foreach (var a in call.Args)
        {
            if (a.Equals("inf", StringComparison.OrdinalIgnoreCase) || a.Equals("infinity", StringComparison.OrdinalIgnoreCase))
            {
                total = SimDuration.MaxValue;
                continue;
            }
            if (SleepSpan(a) is not { } span)
            {
                call.Error(Busybox(call) ? $"invalid number '{a}'" : $"invalid time interval '{a}'");
                if (!Busybox(call)) call.Err.Append("Try 'sleep --help' for more information.\n");
                return 1;
            }
            total += span;
        }
        await call.Context.Clock.Sleep(total);
        if (call.Context.Clock.Killed)
        {
            call.Shell.Exit(137);
            return 137;
        }
        return 0;
    }

    private static SimDuration? SleepSpan(string text)
    {
        var unit = 1.0;
        var number = text;
        if (text.Length > 1 && char.IsAsciiLetter(text[^1]))
        {
            unit = text[^1] switch { 's' => 1, 'm' => 60, 'h' => 3600, 'd' => 86400, _ => double.NaN };
            number = text[..^1];
        }
        return !double.IsNaN(unit) && double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0
            ? SimDuration.FromSeconds(v * unit)
            : null;
    }

    private static int Whoami(CommandCall call)
    {
        var id = call.Context.Identity;
        if (id.UserName is { } name)
        {
            call.Out.Append(name).Append('\n');
            return 0;
        }
        call.Error(Busybox(call) ? $"unknown uid {id.Uid}" : $"cannot find name for user ID {id.Uid}");
        return 1;
    }

    // test / [: file tests, string and integer comparisons, !, -a and -o.
    private static int Test(CommandCall call, bool bracket)
    {
        var args = call.Args.ToList();
        if (bracket)
        {
            if (args.Count == 0 || args[^1] != "]")
            {
                call.Shell.ShellError(call.Err, "[: missing ]", "[: missing `]'");
                return 2;
            }
            args.RemoveAt(args.Count - 1);
        }
        var pos = 0;
        try
        {
            var result = args.Count == 0 ? false : Or(call, args, ref pos);
            return result ? 0 : 1;
        }
        catch (FormatException e)
        {
            call.Shell.ShellError(call.Err, $"{call.Name}: {e.Message}", $"{call.Name}: {e.Message}");
            return 2;
        }
    }

    private static bool Or(CommandCall call, List<string> a, ref int pos)
    {
        var value = And(call, a, ref pos);
        while (pos < a.Count && a[pos] == "-o")
        {
            pos++;
            value |= And(call, a, ref pos);
        }
        return value;
    }

    private static bool And(CommandCall call, List<string> a, ref int pos)
    {
        var value = Primary(call, a, ref pos);
        while (pos < a.Count && a[pos] == "-a")
        {
            pos++;
            value &= Primary(call, a, ref pos);
        }
        return value;
    }

    private static bool Primary(CommandCall call, List<string> a, ref int pos)
    {
        if (pos >= a.Count) throw new FormatException("argument expected");
        if (a[pos] == "!")
        {
            pos++;
            return !Primary(call, a, ref pos);
        }
        // Binary operators first: "x = y".
        if (pos + 2 < a.Count)
        {
            var (left, op, right) = (a[pos], a[pos + 1], a[pos + 2]);
            bool? binary = op switch
            {
                "=" or "==" => left == right,
                "!=" => left != right,
                "-eq" => Int(left) == Int(right),
                "-ne" => Int(left) != Int(right),
                "-lt" => Int(left) < Int(right),
                "-le" => Int(left) <= Int(right),
                "-gt" => Int(left) > Int(right),
                "-ge" => Int(left) >= Int(right),
                _ => null,
            };
            if (binary is { } b)
            {
                pos += 3;
                return b;
            }
        }
        if (a[pos].Length == 2 && a[pos][0] == '-' && pos + 1 < a.Count)
        {
            var op = a[pos][1];
            var operand = a[pos + 1];
            if (op is 'z' or 'n')
            {
                pos += 2;
                return op == 'z' ? operand.Length == 0 : operand.Length > 0;
            }
            if ("efdsrwxhL".Contains(op))
            {
                pos += 2;
                var path = call.Path(operand);
                var stat = call.Context.Files.Stat(path, followLastLink: op is not ('h' or 'L')).Stat;
                return op switch
                {
                    'e' => stat is not null,
                    'f' => stat is { Kind: FsNodeKind.File },
                    'd' => stat is { Kind: FsNodeKind.Directory },
                    's' => stat is { Size: > 0 },
                    'h' or 'L' => stat is { Kind: FsNodeKind.Symlink },
                    'x' => stat is not null && (call.Context.Identity.Uid == 0 ? (stat.Mode & 0x49) != 0 || stat.Kind == FsNodeKind.Directory : (stat.Mode & 0x40) != 0),
                    'w' => stat is not null && WritableMount(call, path),
                    _ => stat is not null,
                };
            }
        }
        return a[pos++].Length > 0;
    }

    // test -w asks access(2), which says no on a read-only mount even for root.
    private static bool WritableMount(CommandCall call, string path) =>
        call.Context.Files is not ContainerFileSystem view
        || view.Mounts.First(m => m.Path == "/" || path == m.Path || path.StartsWith(m.Path + "/", StringComparison.Ordinal)) is { ReadOnly: false };

    private static long Int(string s) =>
        long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"{s}: integer expression expected");
}
