using System.Text;

namespace Sim.Core.Exec;

/// <summary>A piece of a shell word: literal text, a parameter, or a command substitution; quoted or not.</summary>
internal abstract record WordPart(bool Quoted);

/// <summary>Literal text.</summary>
internal sealed record LiteralPart(string Text, bool Quoted) : WordPart(Quoted);

/// <summary><c>$NAME</c>, <c>${NAME}</c> or <c>${NAME:-default}</c>; special names <c>? $ # 0-9 @ *</c>.</summary>
internal sealed record ParameterPart(string Name, string? Default, bool Quoted) : WordPart(Quoted);

/// <summary><c>$(...)</c> or backquotes: the inner script's output.</summary>
internal sealed record CommandPart(string Script, bool Quoted) : WordPart(Quoted);

/// <summary>A word as written: its parts, before expansion.</summary>
internal sealed record ShellWord(IReadOnlyList<WordPart> Parts)
{
    /// <summary>The word's text when it is one unquoted literal (a reserved word, an operator-like word), else null.</summary>
    public string? PlainText => Parts is [LiteralPart { Quoted: false } p] ? p.Text : null;
}

internal enum TokenKind
{
    Word,
    Operator,
    Newline,
}

internal sealed record Token(TokenKind Kind, string Text, ShellWord? Word, int Line);

/// <summary>A script the shell cannot read; the message is the shell's own (without the <c>sh:</c> prefix).</summary>
internal sealed class ShellSyntaxException(string busybox, string bash, int line) : Exception(busybox)
{
    public string Busybox { get; } = busybox;
    public string Bash { get; } = bash;
    public int Line { get; } = line;
}

/// <summary>
/// Splits a POSIX shell script into words and operators: quotes (<c>'...'</c>, <c>"..."</c>, backslash), parameters,
/// command substitutions, comments, line continuations, and the operators <c>; &amp;&amp; || | &amp; &gt; &gt;&gt; &lt; N&gt; N&gt;&amp;M</c>.
/// </summary>
internal sealed class ShellLexer(string text)
{
    private int _pos;
    private int _line = 1;

    public List<Token> Tokens()
    {
        var tokens = new List<Token>();
        while (true)
        {
            SkipBlanks();
            if (_pos >= text.Length) return tokens;
            var c = text[_pos];
            if (c == '\n')
            {
                tokens.Add(new Token(TokenKind.Newline, "\n", null, _line));
                _pos++;
                _line++;
                continue;
            }
            if (c == '#')
            {
                while (_pos < text.Length && text[_pos] != '\n') _pos++;
                continue;
            }
            if (Operator() is { } op)
            {
                tokens.Add(new Token(TokenKind.Operator, op, null, _line));
                continue;
            }
            var line = _line;
            var word = Word();
            // An all-digit word right before a redirection is its file descriptor (2>, 1>>, 2>&1).
            if (word.PlainText is { } digits && digits.All(char.IsAsciiDigit) && _pos < text.Length && text[_pos] is '>' or '<' && Operator() is { } redirect)
            {
                tokens.Add(new Token(TokenKind.Operator, digits + redirect, null, line));
                continue;
            }
            tokens.Add(new Token(TokenKind.Word, "", word, line));
        }
    }

    private void SkipBlanks()
    {
        while (_pos < text.Length)
        {
            if (text[_pos] is ' ' or '\t') _pos++;
            else if (text[_pos] == '\\' && _pos + 1 < text.Length && text[_pos + 1] == '\n')
            {
                _pos += 2;
                _line++;
            }
            else return;
        }
    }

    private static readonly string[] Operators = [";;", "&&", "||", ">>", ">&", "<&", ";", "&", "|", ">", "<", "(", ")"];

    private string? Operator()
    {
        foreach (var op in Operators)
        {
            if (string.CompareOrdinal(text, _pos, op, 0, op.Length) != 0) continue;
            _pos += op.Length;
            return op;
        }
        return null;
    }

    private static bool EndsWord(char c) => c is ' ' or '\t' or '\n' or ';' or '&' or '|' or '>' or '<' or '(' or ')';

    private ShellWord Word()
    {
        var parts = new List<WordPart>();
        var literal = new StringBuilder();
        var literalQuoted = false;
        void Flush()
        {
            if (literal.Length == 0) return;
            parts.Add(new LiteralPart(literal.ToString(), literalQuoted));
            literal.Clear();
        }
        void Add(char ch, bool quoted)
        {
            if (literal.Length > 0 && literalQuoted != quoted) Flush();
            literalQuoted = quoted;
            literal.Append(ch);
        }
        while (_pos < text.Length && !EndsWord(text[_pos]))
        {
            var c = text[_pos];
            switch (c)
            {
                case '\\':
                    _pos++;
                    if (_pos >= text.Length)
                    {
                        Add('\\', false);
                        break;
                    }
                    if (text[_pos] == '\n') _line++;
                    else Add(text[_pos], true);
                    _pos++;
                    break;
                case '\'':
                {
                    var start = ++_pos;
                    var startLine = _line;
                    while (_pos < text.Length && text[_pos] != '\'')
                    {
                        if (text[_pos] == '\n') _line++;
                        _pos++;
                    }
                    if (_pos >= text.Length) throw Unterminated('\'', startLine);
                    var content = text[start.._pos];
                    _pos++;
                    Flush();
                    // An empty '' still makes a (quoted) word.
                    parts.Add(new LiteralPart(content, true));
                    break;
                }
                case '"':
                {
                    var startLine = _line;
                    _pos++;
                    Flush();
                    var before = parts.Count;
                    DoubleQuoted(parts, startLine);
                    if (parts.Count == before) parts.Add(new LiteralPart("", true));
                    break;
                }
                case '$':
                    if (Dollar(quoted: false) is { } part)
                    {
                        Flush();
                        parts.Add(part);
                    }
                    else
                    {
                        Add('$', false);
                        _pos++;
                    }
                    break;
                case '`':
                    Flush();
                    parts.Add(Backquoted(quoted: false));
                    break;
                default:
                    Add(c, false);
                    _pos++;
                    break;
            }
        }
        Flush();
        return new ShellWord(parts);
    }

    private void DoubleQuoted(List<WordPart> parts, int startLine)
    {
        var literal = new StringBuilder();
        void Flush()
        {
            if (literal.Length == 0) return;
            parts.Add(new LiteralPart(literal.ToString(), true));
            literal.Clear();
        }
        while (true)
        {
            if (_pos >= text.Length) throw Unterminated('"', startLine);
            var c = text[_pos];
            if (c == '"')
            {
                _pos++;
                Flush();
                return;
            }
            if (c == '\\' && _pos + 1 < text.Length && text[_pos + 1] is '$' or '`' or '"' or '\\' or '\n')
            {
                if (text[_pos + 1] == '\n') _line++;
                else literal.Append(text[_pos + 1]);
                _pos += 2;
                continue;
            }
            if (c == '$')
            {
                var at = parts.Count;
                if (Dollar(quoted: true) is { } part)
                {
                    // The literal so far goes before the parameter.
                    if (literal.Length > 0) parts.Insert(at, new LiteralPart(literal.ToString(), true));
                    literal.Clear();
                    parts.Add(part);
                    continue;
                }
            }
            if (c == '`')
            {
                Flush();
                parts.Add(Backquoted(quoted: true));
                continue;
            }
            if (c == '\n') _line++;
            literal.Append(c);
            _pos++;
        }
    }

    // At a '$': the parameter or substitution it starts, or null when it is a plain dollar sign (and nothing is read).
    private WordPart? Dollar(bool quoted)
    {
        if (_pos + 1 >= text.Length) return null;
        var next = text[_pos + 1];
        if (next == '(')
        {
            var startLine = _line;
            _pos += 2;
            var start = _pos;
            var depth = 1;
            char? quote = null;
            while (_pos < text.Length)
            {
                var c = text[_pos];
                if (c == '\n') _line++;
                if (quote is not null)
                {
                    if (c == quote) quote = null;
                    else if (c == '\\' && quote == '"') _pos++;
                }
                else if (c is '\'' or '"') quote = c;
                else if (c == '\\') _pos++;
                else if (c == '(') depth++;
                else if (c == ')' && --depth == 0) break;
                _pos++;
            }
            if (_pos >= text.Length) throw Unterminated('(', startLine);
            var script = text[start.._pos];
            _pos++;
            return new CommandPart(script, quoted);
        }
        if (next == '{')
        {
            var close = text.IndexOf('}', _pos + 2);
            if (close < 0) throw new ShellSyntaxException("syntax error: unterminated ${", "bad substitution", _line);
            var inner = text[(_pos + 2)..close];
            _pos = close + 1;
            var colon = inner.IndexOf(":-", StringComparison.Ordinal);
            var name = colon >= 0 ? inner[..colon] : inner;
            if (name.Length == 0 || !(IsSpecial(name[0]) && name.Length == 1 || IsName(name)))
                throw new ShellSyntaxException($"syntax error: bad substitution", $"${{{inner}}}: bad substitution", _line);
            return new ParameterPart(name, colon >= 0 ? inner[(colon + 2)..] : null, quoted);
        }
        if (IsSpecial(next))
        {
            _pos += 2;
            return new ParameterPart(next.ToString(), null, quoted);
        }
        if (char.IsAsciiLetter(next) || next == '_')
        {
            var start = _pos + 1;
            var end = start;
            while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_')) end++;
            _pos = end;
            return new ParameterPart(text[start..end], null, quoted);
        }
        return null;
    }

    private CommandPart Backquoted(bool quoted)
    {
        var startLine = _line;
        _pos++;
        var inner = new StringBuilder();
        while (_pos < text.Length && text[_pos] != '`')
        {
            if (text[_pos] == '\\' && _pos + 1 < text.Length && text[_pos + 1] is '`' or '\\' or '$') _pos++;
            if (text[_pos] == '\n') _line++;
            inner.Append(text[_pos]);
            _pos++;
        }
        if (_pos >= text.Length) throw Unterminated('`', startLine);
        _pos++;
        return new CommandPart(inner.ToString(), quoted);
    }

    private static bool IsSpecial(char c) => c is '?' or '$' or '#' or '@' or '*' or '!' or '-' || char.IsAsciiDigit(c);

    internal static bool IsName(string s) =>
        s.Length > 0 && (char.IsAsciiLetter(s[0]) || s[0] == '_') && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    // busybox ash and bash word an unterminated quote differently.
    private ShellSyntaxException Unterminated(char open, int line) => open switch
    {
        '(' => new ShellSyntaxException("syntax error: unterminated quoted string", "unexpected EOF while looking for matching `)'", line),
        _ => new ShellSyntaxException("syntax error: unterminated quoted string", $"unexpected EOF while looking for matching `{open}'", line),
    };
}
