namespace Sim.Core.Exec;

/// <summary>A redirection: <c>&gt; FILE</c>, <c>&gt;&gt; FILE</c>, <c>&lt; FILE</c> or <c>N&gt;&amp;M</c>, on file descriptor <c>Fd</c>.</summary>
internal sealed record Redirection(int Fd, string Op, ShellWord Target);

/// <summary>A simple command: assignments, words and redirections, on a script line.</summary>
internal sealed record SimpleCommand(IReadOnlyList<ShellWord> Assignments, IReadOnlyList<ShellWord> Words, IReadOnlyList<Redirection> Redirections, int Line);

/// <summary>Commands joined by <c>|</c>, optionally negated with <c>!</c>.</summary>
internal sealed record Pipeline(bool Negated, IReadOnlyList<SimpleCommand> Commands);

/// <summary>Pipelines joined by <c>&amp;&amp;</c> and <c>||</c>.</summary>
internal sealed record AndOrList(Pipeline First, IReadOnlyList<(string Op, Pipeline Next)> Rest);

/// <summary>A parsed script: and-or lists run one after another.</summary>
internal sealed record ShellScript(IReadOnlyList<AndOrList> Lists);

/// <summary>Parses the tokens of <see cref="ShellLexer"/> into lists, and-or lists, pipelines and simple commands.</summary>
/// <remarks>
/// Compound commands (<c>if</c>, <c>for</c>, <c>while</c>, <c>case</c>, functions, subshells) are not part of KubeSim's
/// shell: a script using one is refused with a clear message instead of being run wrongly.
/// </remarks>
internal sealed class ShellParser
{
    private static readonly HashSet<string> Reserved = ["if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac", "{", "}", "function", "select"];

    private readonly List<Token> _tokens;
    private int _pos;

    private ShellParser(List<Token> tokens) => _tokens = tokens;

    public static ShellScript Parse(string text) => new ShellParser(new ShellLexer(text).Tokens()).Script();

    private Token? Peek => _pos < _tokens.Count ? _tokens[_pos] : null;

    private bool AtOperator(string op) => Peek is { Kind: TokenKind.Operator } t && t.Text == op;

    private ShellScript Script()
    {
        var lists = new List<AndOrList>();
        while (true)
        {
            while (Peek is { Kind: TokenKind.Newline }) _pos++;
            if (Peek is null) return new ShellScript(lists);
            lists.Add(AndOr());
            if (Peek is null) return new ShellScript(lists);
            var t = Peek;
            if (t.Kind == TokenKind.Newline || (t.Kind == TokenKind.Operator && t.Text is ";" or "&"))
            {
                // A background job runs to completion before the next command here: nothing runs concurrently.
                _pos++;
                continue;
            }
            throw Unexpected(t);
        }
    }

    private AndOrList AndOr()
    {
        var first = Pipeline();
        var rest = new List<(string, Pipeline)>();
        while (Peek is { Kind: TokenKind.Operator, Text: "&&" or "||" } op)
        {
            _pos++;
            while (Peek is { Kind: TokenKind.Newline }) _pos++;
            rest.Add((op.Text, Pipeline()));
        }
        return new AndOrList(first, rest);
    }

    private Pipeline Pipeline()
    {
        var negated = false;
        if (Peek is { Kind: TokenKind.Word } w && w.Word!.PlainText == "!")
        {
            negated = true;
            _pos++;
        }
        var commands = new List<SimpleCommand> { Command() };
        while (AtOperator("|"))
        {
            _pos++;
            while (Peek is { Kind: TokenKind.Newline }) _pos++;
            commands.Add(Command());
        }
        return new Pipeline(negated, commands);
    }

    private SimpleCommand Command()
    {
        var assignments = new List<ShellWord>();
        var words = new List<ShellWord>();
        var redirections = new List<Redirection>();
        var line = Peek?.Line ?? LastLine;
        while (Peek is { } t)
        {
            if (t.Kind == TokenKind.Word)
            {
                if (words.Count == 0 && t.Word!.PlainText is { } plain && Reserved.Contains(plain))
                    throw new ShellSyntaxException($"KubeSim's shell does not run \"{plain}\" (compound commands are not modelled)",
                        $"KubeSim's shell does not run \"{plain}\" (compound commands are not modelled)", t.Line);
                if (words.Count == 0 && IsAssignment(t.Word!)) assignments.Add(t.Word!);
                else words.Add(t.Word!);
                _pos++;
                continue;
            }
            if (t.Kind == TokenKind.Operator && RedirectOp(t.Text) is { } redirect)
            {
                _pos++;
                if (Peek is not { Kind: TokenKind.Word } target) throw Unexpected(Peek);
                _pos++;
                redirections.Add(new Redirection(redirect.Fd, redirect.Op, target.Word!));
                continue;
            }
            if (t.Kind == TokenKind.Operator && t.Text is "(" or ")")
                throw new ShellSyntaxException("KubeSim's shell does not run subshells", "KubeSim's shell does not run subshells", t.Line);
            break;
        }
        if (assignments.Count == 0 && words.Count == 0 && redirections.Count == 0) throw Unexpected(Peek);
        return new SimpleCommand(assignments, words, redirections, line);
    }

    private int LastLine => _tokens.Count == 0 ? 1 : _tokens[^1].Line;

    private static (int Fd, string Op)? RedirectOp(string text)
    {
        var digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits])) digits++;
        var op = text[digits..];
        if (op is not (">" or ">>" or "<" or ">&" or "<&")) return null;
        var fd = digits == 0 ? (op[0] == '<' ? 0 : 1) : int.Parse(text[..digits], System.Globalization.CultureInfo.InvariantCulture);
        return (fd, op);
    }

    // NAME=... with NAME unquoted at the start of the word.
    private static bool IsAssignment(ShellWord word)
    {
        if (word.Parts.Count == 0 || word.Parts[0] is not LiteralPart { Quoted: false } first) return false;
        var eq = first.Text.IndexOf('=');
        return eq > 0 && ShellLexer.IsName(first.Text[..eq]);
    }

    // ash: syntax error: unexpected ";" / unexpected end of file; bash: syntax error near unexpected token `;'.
    private ShellSyntaxException Unexpected(Token? t) => t is null
        ? new ShellSyntaxException("syntax error: unexpected end of file", "syntax error: unexpected end of file", LastLine)
        : t.Kind == TokenKind.Newline
            ? new ShellSyntaxException("syntax error: unexpected newline", "syntax error near unexpected token `newline'", t.Line)
            : new ShellSyntaxException($"syntax error: unexpected \"{t.Text}\"", $"syntax error near unexpected token `{t.Text}'", t.Line);
}
