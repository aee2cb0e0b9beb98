using System.Text;
using k8s.Models;

namespace Sim.Core.Api.Selectors;

/// <summary>The operators of a label selector requirement.</summary>
public enum SelectorOperator
{
    /// <summary><c>key=value</c> or <c>key==value</c>.</summary>
    Equals,
    /// <summary><c>key!=value</c>: absent or different.</summary>
    NotEquals,
    /// <summary><c>key in (a,b)</c>.</summary>
    In,
    /// <summary><c>key notin (a,b)</c>: absent or not listed.</summary>
    NotIn,
    /// <summary><c>key</c>.</summary>
    Exists,
    /// <summary><c>!key</c>.</summary>
    DoesNotExist,
    /// <summary><c>key&gt;N</c> (integer values).</summary>
    GreaterThan,
    /// <summary><c>key&lt;N</c> (integer values).</summary>
    LessThan,
}

/// <summary>One requirement of a label selector.</summary>
public sealed record LabelRequirement(string Key, SelectorOperator Operator, IReadOnlyList<string> Values)
{
    /// <summary>Whether a label set satisfies this requirement.</summary>
    public bool Matches(IDictionary<string, string>? labels)
    {
        string? value = null;
        var has = labels is not null && labels.TryGetValue(Key, out value);
        switch (Operator)
        {
            case SelectorOperator.Equals:
            case SelectorOperator.In:
                return has && Contains(value!);
            case SelectorOperator.NotEquals:
            case SelectorOperator.NotIn:
                return !has || !Contains(value!);
            case SelectorOperator.Exists:
                return has;
            case SelectorOperator.DoesNotExist:
                return !has;
            case SelectorOperator.GreaterThan:
            case SelectorOperator.LessThan:
                if (!has || !long.TryParse(value, out var actual) || !long.TryParse(Values[0], out var bound)) return false;
                return Operator == SelectorOperator.GreaterThan ? actual > bound : actual < bound;
            default:
                return false;
        }
    }

    private bool Contains(string value)
    {
        // Index over the list: a foreach over the interface would box an enumerator on every match.
        var values = Values;
        for (var i = 0; i < values.Count; i++)
            if (values[i] == value) return true;
        return false;
    }

    /// <inheritdoc />
    public override string ToString() => Operator switch
    {
        SelectorOperator.Equals => Key + "=" + Values[0],
        SelectorOperator.NotEquals => Key + "!=" + Values[0],
        SelectorOperator.In => Key + " in (" + string.Join(",", Values) + ")",
        SelectorOperator.NotIn => Key + " notin (" + string.Join(",", Values) + ")",
        SelectorOperator.Exists => Key,
        SelectorOperator.DoesNotExist => "!" + Key,
        SelectorOperator.GreaterThan => Key + ">" + Values[0],
        _ => Key + "<" + Values[0],
    };
}

/// <summary>
/// A parsed label selector, from the string form (<c>app=nginx,tier in (web,api),!canary</c>) or from a
/// <see cref="V1LabelSelector"/> (<c>matchLabels</c> + <c>matchExpressions</c>). Immutable.
/// </summary>
public sealed class LabelSelector
{
    private readonly LabelRequirement[] _requirements;
    private readonly bool _nothing;

    private LabelSelector(LabelRequirement[] requirements, bool nothing)
    {
        _requirements = requirements;
        _nothing = nothing;
    }

    /// <summary>Matches every label set.</summary>
    public static LabelSelector Everything { get; } = new([], false);

    /// <summary>Matches nothing (what a missing <c>selector</c> means to controllers).</summary>
    public static LabelSelector Nothing { get; } = new([], true);

    /// <summary>The requirements, sorted by key as Kubernetes sorts them.</summary>
    public IReadOnlyList<LabelRequirement> Requirements => _requirements;

    /// <summary>True when the selector has no requirements (selects everything).</summary>
    public bool IsEverything => !_nothing && _requirements.Length == 0;

    /// <summary>Whether <paramref name="labels"/> satisfies every requirement.</summary>
    public bool Matches(IDictionary<string, string>? labels)
    {
        if (_nothing) return false;
        foreach (var r in _requirements)
            if (!r.Matches(labels)) return false;
        return true;
    }

    /// <summary>A selector requiring exactly these labels (<c>matchLabels</c> semantics).</summary>
    public static LabelSelector FromLabels(IDictionary<string, string>? labels)
    {
        if (labels is null || labels.Count == 0) return Everything;
        return new LabelSelector(labels.Select(kv => new LabelRequirement(kv.Key, SelectorOperator.Equals, [kv.Value])).OrderBy(r => r.Key, StringComparer.Ordinal).ToArray(), false);
    }

    /// <summary>
    /// Converts an API selector: null selects nothing, an empty one everything (as <c>metav1.LabelSelectorAsSelector</c>).
    /// </summary>
    public static bool TryFromV1(V1LabelSelector? selector, out LabelSelector result, out string error)
    {
        error = "";
        if (selector is null)
        {
            result = Nothing;
            return true;
        }
        var reqs = new List<LabelRequirement>();
        if (selector.MatchLabels is not null)
            foreach (var kv in selector.MatchLabels)
                reqs.Add(new LabelRequirement(kv.Key, SelectorOperator.Equals, [kv.Value]));
        if (selector.MatchExpressions is not null)
        {
            foreach (var e in selector.MatchExpressions)
            {
                var values = (e.Values ?? []).ToArray();
                SelectorOperator op;
                switch (e.OperatorProperty)
                {
                    case "In": op = SelectorOperator.In; break;
                    case "NotIn": op = SelectorOperator.NotIn; break;
                    case "Exists": op = SelectorOperator.Exists; break;
                    case "DoesNotExist": op = SelectorOperator.DoesNotExist; break;
                    default:
                        result = Nothing;
                        error = $"\"{e.OperatorProperty}\" is not a valid label selector operator";
                        return false;
                }
                if (op is SelectorOperator.In or SelectorOperator.NotIn && values.Length == 0)
                {
                    result = Nothing;
                    error = "for 'in', 'notin' operators, values set can't be empty";
                    return false;
                }
                if (op is SelectorOperator.Exists or SelectorOperator.DoesNotExist && values.Length != 0)
                {
                    result = Nothing;
                    error = "values set must be empty for exists and does not exist";
                    return false;
                }
                Array.Sort(values, StringComparer.Ordinal);
                reqs.Add(new LabelRequirement(e.Key ?? "", op, values));
            }
        }
        result = new LabelSelector(reqs.OrderBy(r => r.Key, StringComparer.Ordinal).ToArray(), false);
        return true;
    }

    /// <summary>Converts an API selector, throwing on an invalid one (callers that validated already).</summary>
    public static LabelSelector FromV1(V1LabelSelector? selector) =>
        TryFromV1(selector, out var result, out var error) ? result : throw new ArgumentException(error);

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<V1LabelSelector, LabelSelector> Parsed = new();

    /// <summary>
    /// <see cref="FromV1"/>, remembered per selector instance: objects from the API server never change, so their
    /// selectors are parsed once however often controllers look at them.
    /// </summary>
    public static LabelSelector FromV1Cached(V1LabelSelector? selector) =>
        TryFromV1Cached(selector, out var result, out var error) ? result : throw new ArgumentException(error);

    /// <summary>Cached <see cref="TryFromV1"/>; see <see cref="FromV1Cached"/>.</summary>
    public static bool TryFromV1Cached(V1LabelSelector? selector, out LabelSelector result, out string error)
    {
        error = "";
        if (selector is null)
        {
            result = Nothing;
            return true;
        }
        if (Parsed.TryGetValue(selector, out result!)) return true;
        if (!TryFromV1(selector, out result, out error)) return false;
        Parsed.AddOrUpdate(selector, result);
        return true;
    }

    /// <summary>Parses the string form kubectl's <c>-l</c> takes. An empty string selects everything.</summary>
    public static bool TryParse(string? text, out LabelSelector result, out string error)
    {
        result = Everything;
        error = "";
        if (string.IsNullOrWhiteSpace(text)) return true;
        var parser = new Parser(text);
        if (!parser.TryParseAll(out var reqs, out error)) return false;
        result = new LabelSelector(reqs.OrderBy(r => r.Key, StringComparer.Ordinal).ToArray(), false);
        return true;
    }

    /// <summary>Parses the string form or throws <see cref="FormatException"/>.</summary>
    public static LabelSelector Parse(string? text) =>
        TryParse(text, out var result, out var error) ? result : throw new FormatException(error);

    /// <summary>The canonical string form, requirements sorted by key.</summary>
    public override string ToString() => _nothing ? "<none>" : string.Join(",", _requirements.Select(r => r.ToString()));

    private sealed class Parser(string text)
    {
        private int _pos;

        public bool TryParseAll(out List<LabelRequirement> reqs, out string error)
        {
            reqs = [];
            error = "";
            while (true)
            {
                SkipSpace();
                if (!TryRequirement(out var req, out error)) return false;
                reqs.Add(req);
                SkipSpace();
                if (_pos >= text.Length) return true;
                if (text[_pos] != ',')
                {
                    // Between requirements the parser itself complains, without the "unable to parse requirement" prefix.
                    error = $"found '{Token()}', expected: ',' or 'end of string'";
                    return false;
                }
                _pos++;
            }
        }

        private bool TryRequirement(out LabelRequirement req, out string error)
        {
            req = null!;
            error = "";
            var negate = false;
            if (Peek() == '!')
            {
                negate = true;
                _pos++;
                SkipSpace();
            }
            var key = Identifier();
            if (key.Length == 0)
            {
                error = $"unable to parse requirement: found '{Found()}', expected: identifier";
                return false;
            }
            if (Labels.ValidateQualifiedName(key) is { } keyError)
            {
                error = $"unable to parse requirement: values[0][{key}]: Invalid value: \"{key}\": {keyError}";
                return false;
            }
            SkipSpace();
            if (negate)
            {
                req = new LabelRequirement(key, SelectorOperator.DoesNotExist, []);
                return true;
            }
            if (_pos >= text.Length || text[_pos] == ',')
            {
                req = new LabelRequirement(key, SelectorOperator.Exists, []);
                return true;
            }
            SelectorOperator op;
            if (Match("==")) op = SelectorOperator.Equals;
            else if (Match("!=")) op = SelectorOperator.NotEquals;
            else if (Match("=")) op = SelectorOperator.Equals;
            else if (Match(">")) op = SelectorOperator.GreaterThan;
            else if (Match("<")) op = SelectorOperator.LessThan;
            else if (MatchWord("notin")) op = SelectorOperator.NotIn;
            else if (MatchWord("in")) op = SelectorOperator.In;
            else
            {
                error = $"unable to parse requirement: found '{Found()}', expected: in, notin, =, ==, !=, gt, lt";
                return false;
            }
            SkipSpace();
            List<string> values;
            if (op is SelectorOperator.In or SelectorOperator.NotIn)
            {
                if (Peek() != '(')
                {
                    error = $"unable to parse requirement: found '{Found()}', expected: '('";
                    return false;
                }
                _pos++;
                values = [];
                while (true)
                {
                    SkipSpace();
                    var v = Identifier();
                    values.Add(v);
                    SkipSpace();
                    if (Peek() == ',')
                    {
                        _pos++;
                        continue;
                    }
                    if (Peek() == ')')
                    {
                        _pos++;
                        break;
                    }
                    error = $"unable to parse requirement: found '{Found()}', expected: ',', ')' or identifier";
                    return false;
                }
            }
            else
            {
                values = [Identifier()];
            }
            foreach (var v in values)
            {
                if (Labels.ValidateValue(v) is { } valueError)
                {
                    error = $"unable to parse requirement: values[0][{key}]: Invalid value: \"{v}\": {valueError}";
                    return false;
                }
            }
            if (op is SelectorOperator.GreaterThan or SelectorOperator.LessThan && !long.TryParse(values[0], out _))
            {
                error = $"unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer";
                return false;
            }
            values.Sort(StringComparer.Ordinal);
            req = new LabelRequirement(key, op, values);
            return true;
        }

        private char Peek() => _pos < text.Length ? text[_pos] : '\0';

        private string Found() => _pos < text.Length ? text[_pos].ToString() : "";

        // The lexer's token at the current position: an operator or parenthesis, or an identifier up to the next one.
        private string Token()
        {
            if (_pos >= text.Length) return "";
            foreach (var op in (string[])["==", "!=", "=", "!", "(", ")", ","])
                if (string.CompareOrdinal(text, _pos, op, 0, op.Length) == 0) return op;
            var end = _pos;
            while (end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] is not (',' or '=' or '!' or '(' or ')')) end++;
            return text[_pos..end];
        }

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }

        private bool Match(string token)
        {
            if (string.CompareOrdinal(text, _pos, token, 0, token.Length) != 0) return false;
            _pos += token.Length;
            return true;
        }

        private bool MatchWord(string word)
        {
            if (string.CompareOrdinal(text, _pos, word, 0, word.Length) != 0) return false;
            var end = _pos + word.Length;
            if (end < text.Length && IsIdentifierChar(text[end])) return false;
            _pos = end;
            return true;
        }

        private string Identifier()
        {
            var sb = new StringBuilder();
            while (_pos < text.Length && IsIdentifierChar(text[_pos])) sb.Append(text[_pos++]);
            return sb.ToString();
        }

        private static bool IsIdentifierChar(char c) =>
            !char.IsWhiteSpace(c) && c is not (',' or '=' or '!' or '(' or ')' or '<' or '>');
    }
}
