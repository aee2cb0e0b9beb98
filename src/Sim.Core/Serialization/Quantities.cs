using System.Text.RegularExpressions;
using k8s.Models;

namespace Sim.Core.Serialization;

/// <summary>
/// Parses a quantity as <c>resource.ParseQuantity</c> does: Kubernetes' grammar first, then the clamp to its range,
/// so that text KubernetesClient's parser would choke on (<c>NaN</c>, a million-digit exponent) is refused or capped.
/// </summary>
public static partial class Quantities
{
    /// <summary>The quantity <paramref name="text"/> denotes, clamped as the API server stores it; false when it is none.</summary>
    public static bool TryParse(string? text, out ResourceQuantity quantity)
    {
        quantity = null!;
        if (string.IsNullOrEmpty(text) || !Grammar().IsMatch(text)) return false;
        try
        {
            quantity = new ResourceQuantity(QuantityRange.Clamp(text));
            _ = quantity.ToDecimal();
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException or ArithmeticException)
        {
            return false;
        }
    }

    [GeneratedRegex("^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$")]
    private static partial Regex Grammar();
}
