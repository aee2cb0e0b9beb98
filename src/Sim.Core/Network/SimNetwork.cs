using Sim.Core.Kernel;
using Sim.Core.Time;

namespace Sim.Core.Network;

/// <summary>
/// The simulated network between endpoints (nodes and control-plane members): a seeded latency per link and cuts that
/// faults make and heal. An endpoint always reaches itself. Components never see it: their API clients' transport
/// does (see <see cref="NetworkTransport"/>).
/// </summary>
public sealed class SimNetwork(SimRandom random, NetworkOptions? options = null)
{
    private readonly HashSet<string> _endpoints = new(StringComparer.Ordinal);
    private readonly HashSet<(string, string)> _cut = [];
    private readonly Dictionary<(string, string), SimDuration> _latency = [];

    /// <summary>The network's settings.</summary>
    public NetworkOptions Options { get; } = options ?? NetworkOptions.Default;

    /// <summary>Raised for every link a fault cuts (each pair once, in name order).</summary>
    public event Action<string, string>? LinkCut;

    /// <summary>Raised for every link that heals.</summary>
    public event Action<string, string>? LinkHealed;

    /// <summary>The endpoints known, in name order.</summary>
    public IReadOnlyList<string> Endpoints => _endpoints.Order(StringComparer.Ordinal).ToList();

    /// <summary>Whether any link is cut.</summary>
    public bool IsPartitioned => _cut.Count > 0;

    /// <summary>Makes an endpoint known (a node or a control-plane member).</summary>
    public void AddEndpoint(string name) => _endpoints.Add(name);

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> can reach each other now.</summary>
    public bool Connected(string a, string b) => a == b || _cut.Count == 0 || !_cut.Contains(Pair(a, b));

    /// <summary>The one-way latency of the link between two endpoints (zero to itself).</summary>
    public SimDuration Latency(string from, string to)
    {
        if (from == to || Options.Latency == SimDuration.Zero) return SimDuration.Zero;
        var pair = Pair(from, to);
        if (_latency.TryGetValue(pair, out var latency)) return latency;
        // Drawn from a stream of the link's own, so the order links are first used in changes nothing.
        var draw = random.Fork("link/" + pair.Item1 + "/" + pair.Item2).NextDouble();
        return _latency[pair] = SimDuration.FromSeconds(Options.Latency.TotalSeconds * (0.5 + draw));
    }

    /// <summary>Cuts <paramref name="endpoints"/> off from every other endpoint (they still reach one another).</summary>
    public IReadOnlyList<(string, string)> Isolate(IReadOnlyCollection<string> endpoints)
    {
        var inside = new HashSet<string>(endpoints, StringComparer.Ordinal);
        foreach (var e in inside) AddEndpoint(e);
        return Cut(from a in inside from b in _endpoints where !inside.Contains(b) select (a, b));
    }

    /// <summary>Splits the network into <paramref name="groups"/>: endpoints in different groups no longer reach each other.</summary>
    public IReadOnlyList<(string, string)> Partition(IReadOnlyList<IReadOnlyList<string>> groups)
    {
        foreach (var e in groups.SelectMany(g => g)) AddEndpoint(e);
        var pairs = new List<(string, string)>();
        for (var i = 0; i < groups.Count; i++)
            for (var j = i + 1; j < groups.Count; j++)
                pairs.AddRange(from a in groups[i] from b in groups[j] where a != b select (a, b));
        return Cut(pairs);
    }

    /// <summary>Restores every cut link (null), or every cut link of the given endpoints; returns the links healed.</summary>
    public IReadOnlyList<(string, string)> Heal(IReadOnlyCollection<string>? endpoints = null)
    {
        var healed = _cut.Where(p => endpoints is null || endpoints.Contains(p.Item1) || endpoints.Contains(p.Item2))
            .OrderBy(p => p.Item1, StringComparer.Ordinal).ThenBy(p => p.Item2, StringComparer.Ordinal).ToList();
        foreach (var pair in healed)
        {
            _cut.Remove(pair);
            LinkHealed?.Invoke(pair.Item1, pair.Item2);
        }
        return healed;
    }

    private IReadOnlyList<(string, string)> Cut(IEnumerable<(string, string)> links)
    {
        var cut = links.Where(l => l.Item1 != l.Item2).Select(l => Pair(l.Item1, l.Item2)).Distinct()
            .OrderBy(p => p.Item1, StringComparer.Ordinal).ThenBy(p => p.Item2, StringComparer.Ordinal)
            .Where(p => _cut.Add(p)).ToList();
        foreach (var pair in cut) LinkCut?.Invoke(pair.Item1, pair.Item2);
        return cut;
    }

    private static (string, string) Pair(string a, string b) => string.CompareOrdinal(a, b) <= 0 ? (a, b) : (b, a);
}
