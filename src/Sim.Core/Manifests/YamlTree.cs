using Sim.Core.Api;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Sim.Core.Manifests;

/// <summary>A position in a source file, 1-based.</summary>
public readonly record struct SourcePosition(int Line, int Column)
{
    /// <inheritdoc />
    public override string ToString() => Line + ":" + Column;
}

/// <summary>A YAML node with its source position. Aliases point at the anchored node (shared, not copied).</summary>
public abstract class YNode(SourcePosition start)
{
    /// <summary>Where the node starts.</summary>
    public SourcePosition Start { get; } = start;
}

/// <summary>A scalar: its text, quoting style and explicit tag.</summary>
public sealed class YScalar(SourcePosition start, string value, ScalarStyle style, string? tag) : YNode(start)
{
    /// <summary>The scalar's text.</summary>
    public string Value { get; } = value;

    /// <summary>How it was written (plain, quoted, block).</summary>
    public ScalarStyle Style { get; } = style;

    /// <summary>An explicit tag, if any.</summary>
    public string? Tag { get; } = tag;

    /// <summary>Plain (unquoted) scalars are subject to YAML type resolution; quoted ones are always strings.</summary>
    public bool IsPlain => Style is ScalarStyle.Plain or ScalarStyle.Any && Tag is null or "?" or "";

    /// <summary>True for YAML's null: a plain <c>~</c>, <c>null</c> or nothing, or the <c>!!null</c> tag.</summary>
    public bool IsNull => YamlScalars.IsNull(this);
}

/// <summary>A mapping, entries in document order (keys are unique).</summary>
public sealed class YMapping(SourcePosition start) : YNode(start)
{
    // Past a handful of keys a lookup goes through an index, so that a mapping of 100,000 keys is read in linear time.
    private const int IndexFrom = 8;
    private readonly List<KeyValuePair<YScalar, YNode>> _entries = [];
    private Dictionary<string, int>? _index;

    /// <summary>The entries in document order.</summary>
    public IReadOnlyList<KeyValuePair<YScalar, YNode>> Entries => _entries;

    /// <summary>The entry with this key, or null.</summary>
    public KeyValuePair<YScalar, YNode>? Find(string key)
    {
        if (_index is not null) return _index.TryGetValue(key, out var i) ? _entries[i] : null;
        foreach (var e in _entries)
            if (e.Key.Value == key) return e;
        return null;
    }

    internal void Add(YScalar key, YNode value)
    {
        _entries.Add(new KeyValuePair<YScalar, YNode>(key, value));
        if (_index is not null) _index[key.Value] = _entries.Count - 1;
        else if (_entries.Count == IndexFrom)
        {
            _index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < _entries.Count; i++) _index[_entries[i].Key.Value] = i;
        }
    }
}

/// <summary>A sequence.</summary>
public sealed class YSequence(SourcePosition start) : YNode(start)
{
    /// <summary>The items in order.</summary>
    public List<YNode> Items { get; } = [];
}

/// <summary>A YAML syntax or structure error at a position.</summary>
public sealed class YamlReadException(SourcePosition position, string message) : Exception(message)
{
    /// <summary>Where the problem is.</summary>
    public SourcePosition Position { get; } = position;
}

/// <summary>
/// Reads a YAML stream into <see cref="YNode"/> trees, one per document, iteratively (so deep nesting cannot
/// overflow the stack) and within limits on depth and aliases.
/// </summary>
public static class YamlTree
{
    /// <summary>Deepest nesting accepted.</summary>
    public const int MaxDepth = 100;

    /// <summary>Most aliases accepted in one stream.</summary>
    public const int MaxAliases = 10_000;

    /// <summary>
    /// Most nodes that aliases may add to a stream once expanded. Every reader of the tree (the JSON conversion, the
    /// scenario loader, <c>kind: List</c> items) walks aliases as copies, so an alias bomb of a few hundred bytes is
    /// refused here, once, instead of expanding to gigabytes on some later path.
    /// </summary>
    public const long MaxAliasExpansion = 1_000_000;

    /// <summary>Reads every document of a YAML (or JSON) stream; a syntax error throws <see cref="YamlReadException"/>.</summary>
    public static List<(YNode? Root, SourcePosition Start)> ReadDocuments(string text)
    {
        var docs = new List<(YNode?, SourcePosition)>();
        var scanner = new Scanner(new StringReader(text));
        var parser = new Parser(scanner);
        var anchors = new Dictionary<string, YNode>(StringComparer.Ordinal);
        var stack = new Stack<Frame>();
        // How many nodes each anchored node stands for, aliases inside it expanded.
        var sizes = new Dictionary<YNode, long>(ReferenceEqualityComparer.Instance);
        YNode? root = null;
        var docStart = new SourcePosition(1, 1);
        var aliases = 0;
        long expansion = 0;
        try
        {
            while (parser.MoveNext())
            {
                var ev = parser.Current!;
                var pos = new SourcePosition((int)ev.Start.Line, (int)ev.Start.Column);
                switch (ev)
                {
                    case DocumentStart:
                        root = null;
                        anchors.Clear();
                        sizes.Clear();
                        docStart = pos;
                        break;
                    case DocumentEnd:
                        docs.Add((root, docStart));
                        break;
                    case Scalar s:
                    {
                        var node = new YScalar(pos, s.Value, s.Style, s.Tag.IsEmpty ? null : s.Tag.Value);
                        if (!s.Anchor.IsEmpty)
                        {
                            anchors[s.Anchor.Value] = node;
                            sizes[node] = 1;
                        }
                        Attach(node, 1, ref root, stack);
                        break;
                    }
                    case AnchorAlias a:
                    {
                        if (++aliases > MaxAliases) throw new YamlReadException(pos, $"yaml: document has more than {MaxAliases} aliases");
                        if (!anchors.TryGetValue(a.Value.Value, out var target))
                            throw new YamlReadException(pos, $"yaml: unknown anchor '{a.Value.Value}' referenced");
                        // A collection still open is an ancestor: the alias would make the tree a cycle.
                        foreach (var open in stack)
                            if (ReferenceEquals(open.Node, target)) throw new YamlReadException(pos, $"yaml: anchor '{a.Value.Value}' value contains itself");
                        var size = sizes[target];
                        expansion += size;
                        if (expansion > MaxAliasExpansion)
                            throw new YamlReadException(pos, $"yaml: aliases expand the document to more than {MaxAliasExpansion} extra nodes");
                        Attach(target, size, ref root, stack);
                        break;
                    }
                    case MappingStart m:
                    {
                        if (stack.Count >= MaxDepth) throw new YamlReadException(pos, $"yaml: document is nested more than {MaxDepth} levels deep");
                        var node = new YMapping(pos);
                        if (!m.Anchor.IsEmpty) anchors[m.Anchor.Value] = node;
                        stack.Push(new Frame(node, m.Anchor.IsEmpty ? null : m.Anchor.Value, m.Style == MappingStyle.Flow ? '}' : '\0'));
                        break;
                    }
                    case SequenceStart q:
                    {
                        if (stack.Count >= MaxDepth) throw new YamlReadException(pos, $"yaml: document is nested more than {MaxDepth} levels deep");
                        var node = new YSequence(pos);
                        if (!q.Anchor.IsEmpty) anchors[q.Anchor.Value] = node;
                        stack.Push(new Frame(node, q.Anchor.IsEmpty ? null : q.Anchor.Value, q.Style == SequenceStyle.Flow ? ']' : '\0'));
                        break;
                    }
                    case MappingEnd:
                    case SequenceEnd:
                    {
                        // A collection joins its parent once complete, so that its size (aliases expanded) is known.
                        var done = stack.Pop();
                        if (done.Anchor is not null)
                        {
                            anchors[done.Anchor] = done.Node;
                            sizes[done.Node] = done.Size;
                        }
                        Attach(done.Node, done.Size, ref root, stack);
                        break;
                    }
                }
            }
        }
        catch (YamlException e)
        {
            var message = Clean(e.Message);
            var at = new SourcePosition((int)e.Start.Line, (int)e.Start.Column);
            // YamlDotNet reports a tab used as indentation at the start of the enclosing mapping; point at the tab.
            if (e.Message.Contains("invalid tab as indentation", StringComparison.Ordinal) && FirstIndentingTab(text, at) is { } tab) at = tab;
            throw new YamlReadException(at, "yaml: " + message);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way on some malformed input (an unclosed flow collection running into
            // block content) instead of raising a YamlException: report where it stopped, in go-yaml's words.
            var at = scanner.CurrentPosition;
            var closer = stack.Count > 0 ? stack.Peek().Closer : '\0';
            var message = closer == '\0' ? "did not find expected node content" : $"did not find expected ',' or '{closer}'";
            throw new YamlReadException(new SourcePosition((int)at.Line, (int)at.Column), "yaml: " + message);
        }
        return docs;
    }

    // The first tab in a line's indentation at or after the given position.
    private static SourcePosition? FirstIndentingTab(string text, SourcePosition from)
    {
        var lines = text.Split('\n');
        for (var line = Math.Max(from.Line, 1); line <= lines.Length; line++)
        {
            var l = lines[line - 1];
            for (var col = 0; col < l.Length && l[col] is ' ' or '\t'; col++)
                if (l[col] == '\t') return new SourcePosition(line, col + 1);
        }
        return null;
    }

    /// <summary>A collection being read: its node, anchor, closing character ('\0' for block style) and size so far.</summary>
    private sealed class Frame(YNode node, string? anchor, char closer)
    {
        public YNode Node { get; } = node;

        public string? Anchor { get; } = anchor;

        public char Closer { get; } = closer;

        public YScalar? PendingKey { get; set; }

        public long Size { get; set; } = 1;
    }

    private static void Attach(YNode node, long size, ref YNode? root, Stack<Frame> stack)
    {
        if (stack.Count == 0)
        {
            root = node;
            return;
        }
        var parent = stack.Peek();
        parent.Size += size;
        switch (parent.Node)
        {
            case YSequence seq:
                seq.Items.Add(node);
                break;
            case YMapping map when parent.PendingKey is null:
                if (node is not YScalar key) throw new YamlReadException(node.Start, "yaml: mapping keys must be scalars");
                if (map.Find(key.Value) is { } existing)
                    throw new YamlReadException(key.Start, $"yaml: mapping key {GoValue.Quote(key.Value)} already defined at line {existing.Key.Start.Line}");
                parent.PendingKey = key;
                break;
            case YMapping map:
                map.Add(parent.PendingKey, node);
                parent.PendingKey = null;
                break;
        }
    }

    // YamlDotNet words its problems as "While <context>, <problem>."; go-yaml, which kubectl and the API server
    // use, reports only libyaml's problem, and words two of them differently.
    private static string Clean(string message)
    {
        var m = message.Trim();
        var idx = m.IndexOf("): ", StringComparison.Ordinal);
        if (m.StartsWith('(') && idx > 0) m = m[(idx + 3)..];
        if (m.StartsWith("While ", StringComparison.Ordinal) && m.IndexOf(", ", StringComparison.Ordinal) is > 0 and var comma)
            m = m[(comma + 2)..];
        m = m.TrimEnd('.');
        m = m switch
        {
            "found invalid mapping" => "mapping values are not allowed in this context",
            "found invalid tab as indentation" => "found character that cannot start any token",
            _ => m,
        };
        return m.Length > 0 ? char.ToLowerInvariant(m[0]) + m[1..] : m;
    }
}
