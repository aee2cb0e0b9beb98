using Sim.Core.Api;
using System.Globalization;
using Sim.Core.Manifests;
using Sim.Core.Time;

namespace Sim.Scenarios.Loading;

/// <summary>Reads typed values out of YAML nodes, recording a positioned error for anything malformed.</summary>
internal sealed class YamlFields(string file)
{
    private readonly List<ManifestError> _errors = [];

    public string File { get; } = file;

    public List<ManifestError> Errors => _errors;

    /// <summary>Every other file read while loading (manifests that steps apply).</summary>
    public List<string> InputFiles { get; } = [];

    public void Error(SourcePosition at, string message) => _errors.Add(new ManifestError(File, at, message));

    public YMapping? Mapping(YNode node, string what)
    {
        if (node is YMapping m) return m;
        Error(node.Start, $"{what} must be a mapping");
        return null;
    }

    /// <summary>Reports keys outside <paramref name="allowed"/>, naming what was expected.</summary>
    public void OnlyKeys(YMapping map, string what, params string[] allowed)
    {
        foreach (var (key, _) in map.Entries)
            if (!allowed.Contains(key.Value))
                Error(key.Start, $"unknown field {GoValue.Quote(key.Value)} in {what} (expected one of: {string.Join(", ", allowed)})");
    }

    public YNode? Get(YMapping map, string key) => map.Find(key)?.Value;

    /// <summary>A string field; a YAML null (<c>~</c>, <c>null</c>, nothing) counts as absent.</summary>
    public string? String(YMapping map, string key, bool required = false, string? what = null)
    {
        var node = Get(map, key);
        if (node is YScalar { IsNull: true })
        {
            if (required) Error(node.Start, $"{GoValue.Quote(key)} is null{(what is null ? "" : " in " + what)}; it needs a value");
            return null;
        }
        if (node is null)
        {
            if (required) Error(map.Start, $"missing required field {GoValue.Quote(key)}{(what is null ? "" : " in " + what)}");
            return null;
        }
        if (node is YScalar s) return s.Value;
        Error(node.Start, $"{GoValue.Quote(key)} must be a string");
        return null;
    }

    /// <summary>An integer field between <paramref name="min"/> and <paramref name="max"/> (by default what a Kubernetes int32 holds).</summary>
    public long? Integer(YMapping map, string key, long min = long.MinValue, bool required = false, long max = int.MaxValue)
    {
        var node = Get(map, key);
        if (node is null)
        {
            if (required) Error(map.Start, $"missing required field {GoValue.Quote(key)}");
            return null;
        }
        if (node is YScalar s && long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
        {
            if (v < min)
            {
                Error(node.Start, $"{GoValue.Quote(key)} must be >= {min}, got {v}");
                return null;
            }
            if (v > max)
            {
                Error(node.Start, $"{GoValue.Quote(key)} must be <= {max}, got {v}");
                return null;
            }
            return v;
        }
        Error(node.Start, $"{GoValue.Quote(key)} must be an integer, got {(node is YScalar bad ? GoValue.Quote(bad.Value) : "a " + (node is YMapping ? "mapping" : "list"))}");
        return null;
    }

    public bool? Bool(YMapping map, string key)
    {
        var node = Get(map, key);
        if (node is null) return null;
        // The booleans go-yaml (and so kubectl) reads: YAML 1.1's spellings.
        if (node is YScalar { Value: "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "on" or "On" or "ON" or "y" or "Y" }) return true;
        if (node is YScalar { Value: "false" or "False" or "FALSE" or "no" or "No" or "NO" or "off" or "Off" or "OFF" or "n" or "N" }) return false;
        Error(node.Start, $"{GoValue.Quote(key)} must be true or false");
        return null;
    }

    public SimDuration? Duration(YMapping map, string key, bool required = false)
    {
        var node = Get(map, key);
        if (node is null)
        {
            if (required) Error(map.Start, $"missing required field {GoValue.Quote(key)}");
            return null;
        }
        if (node is not YScalar s)
        {
            Error(node.Start, $"{GoValue.Quote(key)} must be a duration such as 90s, 5m or 1h30m");
            return null;
        }
        if (!GoDuration.TryParse(s.Value, out var d, out var error))
        {
            Error(node.Start, $"bad duration for {GoValue.Quote(key)}: {error} (expected a duration such as 250ms, 90s, 5m or 1h30m)");
            return null;
        }
        return d;
    }

    public IReadOnlyDictionary<string, string> StringMap(YMapping map, string key)
    {
        var node = Get(map, key);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is null || node is YScalar { IsNull: true }) return result;
        if (node is not YMapping m)
        {
            Error(node.Start, $"{GoValue.Quote(key)} must be a mapping of strings");
            return result;
        }
        foreach (var (k, v) in m.Entries)
        {
            if (v is YScalar vs) result[k.Value] = vs.IsNull ? "" : vs.Value; // as the API server decodes a null string map value
            else Error(v.Start, $"\"{key}.{k.Value}\" must be a string");
        }
        return result;
    }
}
