using System.Globalization;
using k8s.Models;

namespace Sim.Core.Serialization;

/// <summary>
/// Brings a quantity's text into the range the API server keeps, before any big-number arithmetic sees it.
/// </summary>
/// <remarks>
/// Kubernetes caps a quantity at the largest int64 and rounds anything smaller than a nano up to <c>1n</c>, so
/// <c>1e999999</c> is stored as <c>9223372036854775807</c>. KubernetesClient's parser instead expands the exponent
/// into a number with a million digits and never returns, so the clamp has to happen on the text.
/// </remarks>
public static class QuantityRange
{
    /// <summary>The largest quantity Kubernetes stores.</summary>
    public const string Largest = "9223372036854775807";

    /// <summary>The text unchanged when it is within range or not a quantity at all; otherwise the value Kubernetes would store.</summary>
    public static string Clamp(string text)
    {
        if (!TryMagnitude(text, out var negative, out var magnitude)) return text;
        // A magnitude of 20 or more is at least 10^19, beyond int64; below -12 is under a nano even after rounding.
        if (magnitude >= 20) return negative ? "-" + Largest : Largest;
        if (magnitude < -12) return negative ? "-1n" : "1n";
        return text;
    }

    /// <summary>
    /// The quantity in Kubernetes' canonical form (<c>100m</c>, <c>1536Mi</c>, <c>-1</c>). KubernetesClient's own
    /// <see cref="ResourceQuantity.ToString"/> is right for values of zero and up, but prints a negative value in the
    /// largest suffix (<c>-1</c> as <c>-0.000000000000000001E</c>), so a negative value is printed as its magnitude.
    /// </summary>
    public static string Canonical(ResourceQuantity quantity)
    {
        if (quantity.ToDouble() >= 0) return quantity.ToString();
        // A magnitude past decimal's range never reaches here: Clamp caps what is read at int64's.
        return "-" + new ResourceQuantity(-ToDecimal(quantity), 0, quantity.Format).ToString();
    }

    /// <summary>
    /// The quantity as a decimal, saturating at <see cref="decimal.MaxValue"/> and <see cref="decimal.MinValue"/>
    /// (KubernetesClient throws for values past them, such as <c>1e30</c> made in code rather than read).
    /// </summary>
    public static decimal ToDecimal(ResourceQuantity quantity)
    {
        // The double is only a guard: 7.9e28 is decimal's limit, and below 7e28 the exact conversion cannot overflow.
        var approximate = quantity.ToDouble();
        if (approximate >= 7e28) return decimal.MaxValue;
        if (approximate <= -7e28) return decimal.MinValue;
        return quantity.ToDecimal();
    }

    // The value lies in [10^(magnitude-1), 10^magnitude) give or take a binary suffix's fraction of a decade.
    private static bool TryMagnitude(string text, out bool negative, out double magnitude)
    {
        negative = false;
        magnitude = 0;
        var pos = 0;
        if (pos < text.Length && text[pos] is '+' or '-') negative = text[pos++] == '-';
        var numberStart = pos;
        while (pos < text.Length && (char.IsAsciiDigit(text[pos]) || text[pos] == '.')) pos++;
        var number = text.AsSpan(numberStart, pos - numberStart);
        if (number.Length == 0 || number.IndexOf('.') != number.LastIndexOf('.')) return false;
        if (!TrySuffixExponent(text.AsSpan(pos), out var exponent)) return false;

        var dot = number.IndexOf('.');
        var whole = (dot < 0 ? number : number[..dot]).TrimStart('0');
        if (whole.Length > 0)
        {
            magnitude = whole.Length + exponent;
            return true;
        }
        var fraction = dot < 0 ? [] : number[(dot + 1)..];
        var firstSignificant = fraction.IndexOfAnyExcept('0');
        if (firstSignificant < 0) return false; // zero is always in range
        magnitude = -firstSignificant + exponent;
        return true;
    }

    private static bool TrySuffixExponent(ReadOnlySpan<char> suffix, out double exponent)
    {
        exponent = suffix switch
        {
            "" => 0,
            "n" => -9,
            "u" => -6,
            "m" => -3,
            "k" => 3,
            "M" => 6,
            "G" => 9,
            "T" => 12,
            "P" => 15,
            "E" => 18,
            "Ki" => 10 * Math.Log10(2),
            "Mi" => 20 * Math.Log10(2),
            "Gi" => 30 * Math.Log10(2),
            "Ti" => 40 * Math.Log10(2),
            "Pi" => 50 * Math.Log10(2),
            "Ei" => 60 * Math.Log10(2),
            _ => double.NaN,
        };
        if (!double.IsNaN(exponent)) return true;
        if (suffix.Length < 2 || suffix[0] is not ('e' or 'E')) return false;
        // Go parses the exponent as an int32; longer ones are not quantities.
        if (!int.TryParse(suffix[1..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var e)) return false;
        exponent = e;
        return true;
    }
}
