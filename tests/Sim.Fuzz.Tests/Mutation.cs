using System.Text;
using System.Text.RegularExpressions;

namespace Sim.Fuzz.Tests;

/// <summary>What a mutation does to a file's text.</summary>
internal enum MutationKind
{
    DeleteLine,
    DuplicateLine,
    SwapLines,
    Indent,
    InsertTab,
    ReplaceValue,
    ReplaceNumber,
    InsertItem,
    InsertField,
    Truncate,
    AppendDocument,
    ByteOrderMark,
    CrLf,
    FlipChar,
    AliasBomb,
    Repeat,
}

/// <summary>
/// One edit of a file, as plain numbers (line, column, palette index) taken modulo what the text has, so that a case is
/// a small value that replays exactly and shrinks by dropping edits.
/// </summary>
internal sealed partial record Mutation(MutationKind Kind, int A, int B, int V)
{
    public string Apply(string text)
    {
        var lines = text.Split('\n').ToList();
        var n = lines.Count;
        var i = A % n;
        var line = lines[i];
        var indent = line.Length - line.TrimStart(' ').Length;
        var pad = new string(' ', indent);
        switch (Kind)
        {
            case MutationKind.DeleteLine:
                // Mostly a whole field (the line and the block under it); sometimes just the line.
                lines.RemoveRange(i, B % 4 == 0 ? 1 : BlockLength(lines, i));
                break;
            case MutationKind.DuplicateLine:
                lines.Insert(i, line);
                break;
            case MutationKind.SwapLines:
                (lines[i], lines[B % n]) = (lines[B % n], lines[i]);
                break;
            case MutationKind.Indent:
                lines[i] = new string(' ', Math.Max(0, indent + Palette.Shifts[B % Palette.Shifts.Length])) + line.TrimStart(' ');
                break;
            case MutationKind.InsertTab:
                var col = B % (indent + 1);
                lines[i] = line[..col] + "\t" + line[col..];
                break;
            case MutationKind.ReplaceValue:
                // Half the time a value of the same look (a number for a number...), so the document stays readable.
                lines.RemoveRange(i + 1, BlockLength(lines, i) - 1);
                lines[i] = WithValue(line, pad, Pick(V % 2 == 0 ? Palette.Values : Like(line), V / 2));
                break;
            case MutationKind.ReplaceNumber:
                var numbers = Digits().Matches(line);
                if (numbers.Count == 0)
                {
                    lines.RemoveRange(i + 1, BlockLength(lines, i) - 1);
                    lines[i] = WithValue(line, pad, Pick(Palette.Numbers, V));
                }
                else
                {
                    var m = numbers[B % numbers.Count];
                    lines[i] = line[..m.Index] + Pick(Palette.Numbers, V) + line[(m.Index + m.Length)..];
                }
                break;
            case MutationKind.InsertItem:
                // Before a list item, at its indentation: a new first item of the same list.
                var item = lines.FindIndex(i, l => l.TrimStart().StartsWith("- ", StringComparison.Ordinal));
                if (item < 0) item = lines.FindIndex(l => l.TrimStart().StartsWith("- ", StringComparison.Ordinal));
                if (item < 0) break;
                var itemPad = new string(' ', lines[item].Length - lines[item].TrimStart(' ').Length);
                lines.Insert(item, itemPad + "- " + Pick(B % 2 == 0 ? Palette.Nulls : Palette.Values, V));
                break;
            case MutationKind.InsertField:
                var childPad = line.TrimEnd().EndsWith(':') ? pad + "  " : line.TrimStart().StartsWith("- ", StringComparison.Ordinal) ? pad + "  " : pad;
                var values = (V % 4) switch { 0 => Palette.Numbers, 1 => Palette.Durations, 2 => Palette.Quantities, _ => Palette.Values };
                lines.Insert(i + 1, childPad + Pick(Palette.Fields, B) + ": " + Pick(values, V / 4));
                break;
            case MutationKind.Truncate:
                lines.RemoveRange(i, n - i);
                if (line.Length > 0) lines.Add(line[..(B % line.Length)]);
                break;
            case MutationKind.AppendDocument:
                lines.Add("---");
                lines.AddRange(Pick(Corpus.All, B).Text.Split('\n'));
                break;
            case MutationKind.ByteOrderMark:
                return "\uFEFF" + text;
            case MutationKind.CrLf:
                return text.Replace("\n", "\r\n", StringComparison.Ordinal);
            case MutationKind.FlipChar:
                if (line.Length == 0) lines[i] = Pick(Palette.Chars, V).ToString();
                else
                {
                    var at = B % line.Length;
                    lines[i] = line[..at] + Pick(Palette.Chars, V) + line[(at + 1)..];
                }
                break;
            case MutationKind.AliasBomb:
                lines.InsertRange(0, Laughs(1 + B % 9, 2 + V % 9));
                break;
            case MutationKind.Repeat:
                return string.Join("\n---\n", Enumerable.Repeat(text, 2 + B % 40));
        }
        return string.Join('\n', lines);
    }

    public override string ToString() => $"{Kind}({A},{B},{V})";

    // The line and what belongs to it: more-indented lines after it, and list items at its indentation when it opens a list.
    private static int BlockLength(List<string> lines, int i)
    {
        var indent = Indentation(lines[i]);
        var opens = lines[i].TrimEnd().EndsWith(':');
        var end = i + 1;
        while (end < lines.Count && lines[end].Trim().Length > 0
               && (Indentation(lines[end]) > indent || opens && Indentation(lines[end]) == indent && lines[end].TrimStart().StartsWith("- ", StringComparison.Ordinal)))
            end++;
        return end - i;
    }

    private static int Indentation(string line) => line.Length - line.TrimStart(' ').Length;

    // Values that look like the one the line holds.
    private static string[] Like(string line)
    {
        var colon = line.IndexOf(": ", StringComparison.Ordinal);
        var value = (colon >= 0 ? line[(colon + 2)..] : line.TrimStart().TrimStart('-')).Trim().Trim('"', '\'');
        if (value.Length == 0) return Palette.Nulls;
        if (value.All(char.IsAsciiDigit)) return Palette.Numbers;
        if (char.IsAsciiDigit(value[0]) && value.TrimStart("0123456789.".ToCharArray()) is "s" or "m" or "h" or "ms") return Palette.Durations;
        if (char.IsAsciiDigit(value[0])) return Palette.Quantities;
        if (value.StartsWith('[')) return Palette.Commands;
        return Palette.Strings;
    }

    // A value in place of the line's: after "key: ", as a list item, or as the whole line.
    private static string WithValue(string line, string pad, string value)
    {
        var colon = line.IndexOf(": ", StringComparison.Ordinal);
        if (colon >= 0) return line[..(colon + 2)] + value;
        var trimmed = line.TrimStart();
        if (trimmed.StartsWith("- ", StringComparison.Ordinal)) return pad + "- " + value;
        if (trimmed.EndsWith(':')) return line + " " + value;
        return pad + value;
    }

    // Billion laughs at the top of a document: depth levels of fan-out aliases each.
    private static IEnumerable<string> Laughs(int depth, int fanOut)
    {
        yield return "lol0: &lol0 [" + string.Join(", ", Enumerable.Repeat("lol", fanOut)) + "]";
        for (var d = 1; d <= depth; d++)
            yield return $"lol{d}: &lol{d} [" + string.Join(", ", Enumerable.Repeat($"*lol{d - 1}", fanOut)) + "]";
    }

    private static T Pick<T>(IReadOnlyList<T> items, int index) => items[index % items.Count];

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Digits();
}
