using System.Globalization;
using System.Text;
using Sim.Core.Nodes.Files;
using Sim.Core.Time;

namespace Sim.Core.Exec;

// ls: -l, -a, -A, -1, -d, -n, -r, -L, -F. One name per line (kubectl exec without -t gives no terminal), files before
// directories, byte order; busybox's fixed columns or GNU's aligned ones.
internal static partial class Commands
{
    private sealed record Entry(string Name, string Path, FsStat Stat);

    private static int Ls(CommandCall call)
    {
        var (flags, operands, bad) = Options(call.Args, "laA1dnrFhL");
        if (bad is { } b) return BadOption(call, b, gnuStatus: 2);
        var longFormat = flags.Contains('l') || flags.Contains('n');
        var follow = flags.Contains('L');
        var failure = Busybox(call) ? 1 : 2;
        var status = 0;
        if (operands.Count == 0) operands.Add(".");
        var files = new List<Entry>();
        var dirs = new List<Entry>();
        foreach (var operand in operands)
        {
            var path = call.Path(operand);
            // Operands are followed unless listed long (then a symlink shows as one).
            var (stat, error) = call.Context.Files.Stat(path, followLastLink: !longFormat || follow);
            if (stat is null)
            {
                status = failure;
                call.Error(Busybox(call) ? $"{operand}: {Why(call, error)}" : $"cannot access '{operand}': {Why(call, error)}");
                continue;
            }
            var entry = new Entry(operand, path, stat);
            if (stat.Kind == FsNodeKind.Directory && !flags.Contains('d')) dirs.Add(entry);
            else files.Add(entry);
        }
        var reverse = flags.Contains('r');
        if (files.Count > 0) WriteEntries(call, Sorted(files, reverse), flags, longFormat);
        var labelled = operands.Count > 1;
        var first = files.Count == 0;
        foreach (var dir in Sorted(dirs, reverse))
        {
            if (labelled)
            {
                if (!first) call.Out.Append('\n');
                call.Out.Append(dir.Name).Append(":\n");
            }
            first = false;
            var (names, error) = call.Context.Files.List(dir.Path);
            if (names is null)
            {
                status = failure;
                call.Error(Busybox(call) ? $"can't open '{dir.Name}': {Why(call, error)}" : $"cannot open directory '{dir.Name}': {Why(call, error)}");
                continue;
            }
            var entries = new List<Entry>();
            if (flags.Contains('a'))
            {
                entries.Add(new Entry(".", dir.Path, dir.Stat));
                var parent = dir.Path.TrimEnd('/') + "/..";
                if (call.Context.Files.Stat(parent).Stat is { } up) entries.Add(new Entry("..", parent, up));
            }
            foreach (var name in names)
            {
                if (name.StartsWith('.') && !flags.Contains('a') && !flags.Contains('A')) continue;
                var child = dir.Path.TrimEnd('/') + "/" + name;
                if (call.Context.Files.Stat(child, followLastLink: follow).Stat is { } s) entries.Add(new Entry(name, child, s));
            }
            if (longFormat)
            {
                var blocks = entries.Sum(e => e.Stat.Blocks);
                call.Out.Append("total ").Append(((Busybox(call) ? 1 : 0) + blocks) / 2).Append('\n');
            }
            WriteEntries(call, Sorted(entries, reverse), flags, longFormat);
        }
        return status;
    }

    private static List<Entry> Sorted(List<Entry> entries, bool reverse)
    {
        var sorted = entries.OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        if (reverse) sorted.Reverse();
        return sorted;
    }

    private static void WriteEntries(CommandCall call, List<Entry> entries, HashSet<char> flags, bool longFormat)
    {
        if (!longFormat)
        {
            foreach (var e in entries) call.Out.Append(e.Name).Append(Classify(e, flags)).Append('\n');
            return;
        }
        var numeric = flags.Contains('n');
        var now = call.Context.Clock.Now;
        var rows = entries.Select(e => (
            Entry: e,
            Links: e.Stat.Links.ToString(CultureInfo.InvariantCulture),
            User: numeric ? e.Stat.Uid.ToString(CultureInfo.InvariantCulture) : UserName(e.Stat.Uid),
            Group: numeric ? e.Stat.Gid.ToString(CultureInfo.InvariantCulture) : GroupName(e.Stat.Gid),
            Size: SizeColumn(e.Stat, Busybox(call)))).ToList();
        int linkWidth = 4, userWidth = 8, groupWidth = 8, sizeWidth = 9;
        if (!Busybox(call))
        {
            linkWidth = rows.Max(r => r.Links.Length);
            userWidth = rows.Max(r => r.User.Length);
            groupWidth = rows.Max(r => r.Group.Length);
            sizeWidth = rows.Max(r => r.Size.Length);
        }
        foreach (var r in rows)
        {
            var line = new StringBuilder();
            line.Append(ModeString(r.Entry.Stat)).Append(' ');
            line.Append(r.Links.PadLeft(linkWidth)).Append(' ');
            if (Busybox(call))
            {
                line.Append(Clip(r.User, 8).PadRight(8)).Append(' ').Append(Clip(r.Group, 8).PadRight(8)).Append(' ');
            }
            else line.Append(r.User.PadRight(userWidth)).Append(' ').Append(r.Group.PadRight(groupWidth)).Append(' ');
            line.Append(r.Size.PadLeft(sizeWidth)).Append(' ');
            line.Append(LsTime(r.Entry.Stat.Modified, now, Busybox(call))).Append(' ');
            line.Append(r.Entry.Name);
            if (r.Entry.Stat.LinkTarget is { } target) line.Append(" -> ").Append(target);
            else line.Append(Classify(r.Entry, flags));
            call.Out.Append(line).Append('\n');
        }
    }

    private static string Clip(string s, int n) => s.Length > n ? s[..n] : s;

    private static string Classify(Entry e, HashSet<char> flags) =>
        !flags.Contains('F') ? "" : e.Stat.Kind switch
        {
            FsNodeKind.Directory => "/",
            FsNodeKind.Symlink => "@",
            FsNodeKind.File when (e.Stat.Mode & 0x49) != 0 => "*",
            _ => "",
        };

    // /dev/null is device 1,3.
    private static string SizeColumn(FsStat stat, bool busybox) =>
        stat.Kind == FsNodeKind.NullDevice ? busybox ? "   1,   3" : "1, 3" : stat.Size.ToString(CultureInfo.InvariantCulture);

    private static string UserName(long uid) => uid switch { 0 => "root", 65534 => "nobody", _ => uid.ToString(CultureInfo.InvariantCulture) };

    private static string GroupName(long gid) => gid switch { 0 => "root", 65534 => "nogroup", _ => gid.ToString(CultureInfo.InvariantCulture) };

    /// <summary><c>drwxr-xr-x</c>, <c>-rw-r--r--</c>, <c>lrwxrwxrwx</c>, <c>drwxrwxrwt</c>...</summary>
    internal static string ModeString(FsStat stat)
    {
        var m = stat.Mode;
        Span<char> s = stackalloc char[10];
        s[0] = stat.Kind switch { FsNodeKind.Directory => 'd', FsNodeKind.Symlink => 'l', FsNodeKind.NullDevice => 'c', _ => '-' };
        var rwx = "rwxrwxrwx";
        for (var i = 0; i < 9; i++) s[i + 1] = (m & (1 << (8 - i))) != 0 ? rwx[i] : '-';
        if ((m & 0x800) != 0) s[3] = s[3] == 'x' ? 's' : 'S';
        if ((m & 0x400) != 0) s[6] = s[6] == 'x' ? 's' : 'S';
        if ((m & 0x200) != 0) s[9] = s[9] == 'x' ? 't' : 'T';
        return new string(s);
    }

    // "Jan  1 00:00" within six months (and not more than a quarter hour ahead), else "Jan  1  2024".
    private static string LsTime(SimTime modified, SimTime now, bool busybox)
    {
        var t = modified.ToDateTime();
        var age = (now - modified).TotalSeconds;
        var halfYear = busybox ? 365 * 24 * 3600 / 2 : 31556952 / 2;
        // A file written at the very instant of the listing counts as recent (a real clock has always moved on by then).
        var recent = age < halfYear && age >= (busybox ? -15 * 60 : 0);
        var month = t.ToString("MMM", CultureInfo.InvariantCulture);
        var day = t.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2);
        return recent
            ? $"{month} {day} {t.ToString("HH:mm", CultureInfo.InvariantCulture)}"
            : $"{month} {day} {t.Year.ToString(CultureInfo.InvariantCulture).PadLeft(5)}";
    }
}
