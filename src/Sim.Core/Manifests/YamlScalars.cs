using System.Globalization;
using System.Text.Json.Nodes;

namespace Sim.Core.Manifests;

/// <summary>YAML 1.1 plain-scalar resolution as go-yaml (and so kubectl) applies it: null, bool, int, float or string.</summary>
internal static class YamlScalars
{
    private static readonly HashSet<string> Nulls = ["", "~", "null", "Null", "NULL"];
    private static readonly HashSet<string> Trues = ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"];
    private static readonly HashSet<string> Falses = ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"];

    public static bool IsNull(YScalar s) => s.IsPlain && Nulls.Contains(s.Value) || s.Tag == "tag:yaml.org,2002:null";

    public static bool TryBool(YScalar s, out bool value)
    {
        value = false;
        if (!s.IsPlain) return false;
        if (Trues.Contains(s.Value)) value = true;
        else if (!Falses.Contains(s.Value)) return false;
        return true;
    }

    public static bool TryInteger(YScalar s, out long value)
    {
        value = 0;
        if (!s.IsPlain && s.Tag != "tag:yaml.org,2002:int") return false;
        var text = s.Value.Replace("_", "", StringComparison.Ordinal);
        var negative = false;
        if (text.StartsWith('+') || text.StartsWith('-'))
        {
            negative = text[0] == '-';
            text = text[1..];
        }
        if (text.Length == 0) return false;
        bool ok;
        if (text.StartsWith("0x", StringComparison.Ordinal))
            ok = long.TryParse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        else if (text.StartsWith("0b", StringComparison.Ordinal))
            ok = long.TryParse(text[2..], NumberStyles.AllowBinarySpecifier, CultureInfo.InvariantCulture, out value);
        else if (text.StartsWith("0o", StringComparison.Ordinal))
            ok = TryOctal(text[2..], out value);
        else if (text.Length > 1 && text[0] == '0' && text.All(char.IsAsciiDigit))
            ok = TryOctal(text[1..], out value);
        else
            ok = text.All(char.IsAsciiDigit) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        if (ok && negative) value = -value;
        return ok;
    }

    private static bool TryOctal(string digits, out long value)
    {
        value = 0;
        if (digits.Length == 0) return false;
        foreach (var c in digits)
        {
            if (c is < '0' or > '7') return false;
            value = value * 8 + (c - '0');
        }
        return true;
    }

    public static bool TryFloat(YScalar s, out double value)
    {
        value = 0;
        if (!s.IsPlain) return false;
        var text = s.Value.Replace("_", "", StringComparison.Ordinal);
        switch (text)
        {
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF":
                value = double.PositiveInfinity;
                return true;
            case "-.inf" or "-.Inf" or "-.INF":
                value = double.NegativeInfinity;
                return true;
            case ".nan" or ".NaN" or ".NAN":
                value = double.NaN;
                return true;
        }
        if (text.Length == 0 || !(char.IsAsciiDigit(text[0]) || text[0] is '-' or '+' or '.')) return false;
        if (!text.Any(char.IsAsciiDigit)) return false;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>The JSON a plain or quoted scalar becomes when nothing says what type it should be.</summary>
    public static JsonNode? Untyped(YScalar s)
    {
        if (IsNull(s)) return null;
        if (TryBool(s, out var b)) return JsonValue.Create(b);
        if (TryInteger(s, out var i)) return JsonValue.Create(i);
        if (TryFloat(s, out var f) && double.IsFinite(f)) return JsonValue.Create(f);
        return JsonValue.Create(s.Value);
    }
}
