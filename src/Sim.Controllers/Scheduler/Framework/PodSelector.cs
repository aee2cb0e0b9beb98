using Sim.Core.Api.Selectors;

namespace Sim.Controllers.Scheduler.Framework;

/// <summary>
/// A label selector assembled from several sources (Service selectors, a ReplicaSet's selector, a constraint's
/// labelSelector plus matchLabelKeys), with a canonical key so equal selectors share their pod counts.
/// </summary>
internal sealed class PodSelector
{
    private readonly LabelRequirement[] _requirements;

    private PodSelector(LabelRequirement[] requirements, string key)
    {
        _requirements = requirements;
        Key = key;
    }

    /// <summary>The requirements in canonical order, joined.</summary>
    public string Key { get; }

    /// <summary>No requirements: labels.Selector.Empty(), which spreading treats as "count nothing".</summary>
    public bool IsEmpty => _requirements.Length == 0;

    public static PodSelector Of(List<LabelRequirement> requirements)
    {
        var array = requirements.ToArray();
        var texts = new string[array.Length];
        for (var i = 0; i < array.Length; i++) texts[i] = array[i].ToString();
        Array.Sort(texts, array, StringComparer.Ordinal);
        return new PodSelector(array, string.Join(",", texts));
    }

    /// <summary>One <c>key=value</c> every matching pod must carry, if the selector has one (for indexing).</summary>
    public (string Key, string Value)? RequiredLabel
    {
        get
        {
            foreach (var r in _requirements)
                if (r.Operator is SelectorOperator.Equals || r.Operator is SelectorOperator.In && r.Values.Count == 1)
                    return (r.Key, r.Values[0]);
            return null;
        }
    }

    public bool Matches(IDictionary<string, string>? labels)
    {
        foreach (var r in _requirements)
            if (!r.Matches(labels)) return false;
        return true;
    }
}
