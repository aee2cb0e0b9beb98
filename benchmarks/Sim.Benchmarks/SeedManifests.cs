using System.Globalization;
using System.Text;

namespace Sim.Benchmarks;

/// <summary>The seed manifests (embedded copies of scenarios/manifests) and a larger file generated from them.</summary>
internal static class SeedManifests
{
    public const int Count = 6;

    public static (string Name, string Text)[] Read()
    {
        var assembly = typeof(SeedManifests).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("manifests/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream, Encoding.UTF8);
                return (n["manifests/".Length..], reader.ReadToEnd());
            })
            .ToArray();
    }

    /// <summary>
    /// <paramref name="documents"/> YAML documents separated by <c>---</c>, cycling through the seed manifests with the
    /// first <c>name:</c> of each (the object's own) made unique, as a generated bundle of many objects would be.
    /// </summary>
    public static string MultiDocument(int documents)
    {
        var seeds = Read();
        var text = new StringBuilder();
        for (var i = 0; i < documents; i++)
        {
            var (_, seed) = seeds[i % seeds.Length];
            var at = seed.IndexOf("  name: ", StringComparison.Ordinal);
            var end = seed.IndexOf('\n', at);
            text.Append("---\n")
                .Append(seed, 0, end)
                .Append('-').Append(i.ToString(CultureInfo.InvariantCulture))
                .Append(seed, end, seed.Length - end);
            if (!seed.EndsWith('\n')) text.Append('\n');
        }
        return text.ToString();
    }
}
