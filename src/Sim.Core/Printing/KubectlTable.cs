using System.Globalization;
using System.Text;
using Sim.Core.Api;
using Sim.Core.Printing.Tables;

namespace Sim.Core.Printing;

/// <summary>How kubectl is asked to print a Table: the <c>kubectl get</c> flags that change the human-readable output.</summary>
public sealed record KubectlTableOptions
{
    /// <summary><c>-o wide</c>: show the <c>priority: 1</c> columns too.</summary>
    public bool Wide { get; init; }

    /// <summary><c>--no-headers</c>.</summary>
    public bool NoHeaders { get; init; }

    /// <summary><c>-A</c> / <c>--all-namespaces</c>: a leading NAMESPACE column.</summary>
    public bool WithNamespace { get; init; }

    /// <summary>
    /// The kind to prefix names with (<c>pod/web</c>, <c>deployment.apps/nginx</c>), as <c>kubectl get all</c> and
    /// <c>kubectl get pods,svc</c> do; null for none.
    /// </summary>
    public ResourceKind? WithKind { get; init; }

    /// <summary><c>--show-labels</c>: a trailing LABELS column.</summary>
    public bool ShowLabels { get; init; }

    /// <summary><c>-L key</c>: one column per label key, headed by its last path segment upper-cased.</summary>
    public IReadOnlyList<string> LabelColumns { get; init; } = [];
}

/// <summary>
/// kubectl's human-readable printer (k8s.io/cli-runtime <c>printers.HumanReadablePrinter</c> over a server Table):
/// upper-cased headers, wide columns dropped unless asked for, cells separated by tabs and laid out by the tabwriter
/// kubectl uses (minimum width 6, padding 3, spaces), so a test can compare a whole <c>kubectl get</c> output.
/// </summary>
/// <remarks>
/// A table without rows prints nothing: kubectl then says "No resources found in default namespace." on stderr, which
/// is the caller's to reproduce. The tabwriter's remembered widths (kept across the tables of one watch) are not
/// modelled: each call lays out one table.
/// </remarks>
public static class KubectlTable
{
    /// <summary>Renders <paramref name="table"/> as <c>kubectl get</c> prints it, every line ending in <c>\n</c>.</summary>
    public static string Render(ObjectTable table, KubectlTableOptions? options = null)
    {
        options ??= new KubectlTableOptions();
        var columns = table.ColumnDefinitions ?? [];
        var rows = table.Rows ?? [];
        if (rows.Count == 0) return "";

        var lines = new List<List<string>>(rows.Count + 1);
        if (!options.NoHeaders)
        {
            var header = new List<string>();
            if (options.WithNamespace) header.Add("NAMESPACE");
            foreach (var c in columns)
                if (options.Wide || c.Priority == 0) header.Add(c.Name.ToUpperInvariant());
            foreach (var label in options.LabelColumns) header.Add(label.Split('/')[^1].ToUpperInvariant());
            if (options.ShowLabels) header.Add("LABELS");
            lines.Add(header);
        }

        var nameColumn = -1;
        if (options.WithKind is not null)
            for (var i = 0; i < columns.Count; i++)
                if (columns[i].Format == "name" && columns[i].Type == "string") { nameColumn = i; break; }

        foreach (var row in rows)
        {
            var line = new List<string>();
            var labels = row.Source.Metadata?.Labels;
            if (options.WithNamespace) line.Add(row.Source.Metadata?.NamespaceProperty ?? "");
            // Cells beyond the column definitions are ignored, as kubectl does with a bad server (issue 66379).
            for (var i = 0; i < row.Cells.Count && i < columns.Count; i++)
            {
                if (!options.Wide && columns[i].Priority != 0) continue;
                var text = Cell(row.Cells[i]);
                if (i == nameColumn) text = options.WithKind!.KubectlName(text);
                line.Add(text);
            }
            foreach (var key in options.LabelColumns)
                line.Add(labels is not null && labels.TryGetValue(key, out var v) ? Escape(v) : "");
            if (options.ShowLabels) line.Add(Escape(Tables.Cells.FormatLabels(labels)));
            lines.Add(line);
        }
        return TabWriter.Format(lines);
    }

    // printTable: a string is cut at its first line break (with "..."); anything else prints as Go's fmt.Sprint would.
    private static string Cell(object? cell)
    {
        switch (cell)
        {
            case null:
                return "";
            case string s:
                var cut = s.IndexOfAny(['\f', '\n', '\r']);
                return cut >= 0 ? Escape(s[..cut]) + "..." : Escape(s);
            case bool b:
                return b ? "true" : "false";
            case IFormattable f:
                return Escape(f.ToString(null, CultureInfo.InvariantCulture));
            default:
                return Escape(cell.ToString() ?? "");
        }
    }

    // printers.WriteEscaped: terminal escapes are neutralised.
    private static string Escape(string s) =>
        s.Contains('\x1b') || s.Contains('\r') ? s.Replace("\x1b", "^[", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal) : s;

    /// <summary>
    /// Go's text/tabwriter as kubectl configures it (minwidth 6, tabwidth 4, padding 3, padchar ' ', no flags that
    /// change a single table): every cell but a line's last is padded to its column's widest cell plus 3, at least 6.
    /// </summary>
    private static class TabWriter
    {
        private const int MinWidth = 6;
        private const int Padding = 3;

        public static string Format(List<List<string>> lines)
        {
            var widths = new List<int>();
            foreach (var line in lines)
            {
                // The last cell of a line is not tab-terminated: it belongs to no column and is never padded.
                for (var i = 0; i < line.Count - 1; i++)
                {
                    var w = Math.Max(MinWidth, Width(line[i]) + Padding);
                    if (i == widths.Count) widths.Add(w);
                    else if (w > widths[i]) widths[i] = w;
                }
            }
            var sb = new StringBuilder();
            foreach (var line in lines)
            {
                for (var i = 0; i < line.Count; i++)
                {
                    sb.Append(line[i]);
                    if (i < line.Count - 1) sb.Append(' ', widths[i] - Width(line[i]));
                }
                sb.Append('\n');
            }
            return sb.ToString();
        }

        // The tabwriter counts UTF-8 runes, not bytes or UTF-16 units.
        private static int Width(string s)
        {
            var n = 0;
            foreach (var _ in s.EnumerateRunes()) n++;
            return n;
        }
    }
}
