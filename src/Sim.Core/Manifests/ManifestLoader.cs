using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sim.Core.Api;
using Sim.Core.Serialization;

namespace Sim.Core.Manifests;

/// <summary>
/// Reads Kubernetes manifests (multi-document YAML, JSON, <c>kind: List</c>) into typed objects, strictly: unknown
/// fields, type mismatches and unknown kinds are errors naming the file, line, column and field.
/// </summary>
public static class ManifestLoader
{
    /// <summary>Largest file accepted.</summary>
    public const long MaxFileBytes = InputFile.MaxBytes;

    /// <summary>Largest single object accepted (kube-apiserver's request body limit).</summary>
    public const int MaxObjectBytes = 3 * 1024 * 1024;

    /// <summary>Reads a manifest file; <paramref name="displayName"/> is how errors name it (default: the path).</summary>
    public static ManifestLoadResult LoadFile(string path, string? displayName = null)
    {
        var name = displayName ?? path;
        var (text, error) = InputFile.ReadText(path, name);
        return error is not null ? new ManifestLoadResult([], [error]) : LoadText(text!, name);
    }

    /// <summary>Reads manifests from text.</summary>
    public static ManifestLoadResult LoadText(string text, string fileName)
    {
        if (text.Length > MaxFileBytes) return Fail(fileName, $"input is larger than {MaxFileBytes} bytes");
        List<(YNode? Root, SourcePosition Start)> docs;
        try
        {
            docs = YamlTree.ReadDocuments(text);
        }
        catch (YamlReadException e)
        {
            return new ManifestLoadResult([], [new ManifestError(fileName, e.Position, e.Message)]);
        }
        var documents = new List<ManifestDocument>();
        var errors = new List<ManifestError>();
        foreach (var (root, start) in docs)
        {
            if (root is null) continue;
            LoadNode(root, fileName, documents, errors);
        }
        return new ManifestLoadResult(documents, errors);
    }

    /// <summary>Reads one manifest (or a <c>kind: List</c>) from a YAML node, e.g. one inlined in a scenario file.</summary>
    public static ManifestLoadResult LoadNode(YNode root, string fileName)
    {
        var documents = new List<ManifestDocument>();
        var errors = new List<ManifestError>();
        LoadNode(root, fileName, documents, errors);
        return new ManifestLoadResult(documents, errors);
    }

    private static void LoadNode(YNode root, string fileName, List<ManifestDocument> documents, List<ManifestError> errors)
    {
        if (root is YScalar s && YamlScalars.IsNull(s)) return;
        if (root is YSequence list)
        {
            foreach (var item in list.Items) LoadNode(item, fileName, documents, errors);
            return;
        }
        if (root is not YMapping map)
        {
            errors.Add(new ManifestError(fileName, root.Start, "json: cannot unmarshal " + (root is YScalar ? "string" : "array") + " into Go value of type map[string]interface {}"));
            return;
        }
        var apiVersion = (map.Find("apiVersion")?.Value as YScalar)?.Value;
        var kindName = (map.Find("kind")?.Value as YScalar)?.Value;
        var missing = new List<string>();
        if (string.IsNullOrEmpty(apiVersion)) missing.Add("apiVersion not set");
        if (string.IsNullOrEmpty(kindName)) missing.Add("kind not set");
        if (missing.Count > 0)
        {
            errors.Add(new ManifestError(fileName, map.Start, "error validating data: " + (missing.Count == 1 ? missing[0] : "[" + string.Join(", ", missing) + "]")));
            return;
        }
        if (kindName == "List" && apiVersion == "v1")
        {
            if (map.Find("items")?.Value is YSequence items)
                foreach (var item in items.Items) LoadNode(item, fileName, documents, errors);
            return;
        }
        if (!ResourceKinds.TryResolve(apiVersion!, kindName!, out var kind, out var inputType))
        {
            var at = map.Find("kind")!.Value.Key.Start;
            errors.Add(new ManifestError(fileName, at, $"no matches for kind {GoValue.Quote(kindName!)} in version {GoValue.Quote(apiVersion!)}"));
            return;
        }
        var version = apiVersion!.Contains('/') ? apiVersion[(apiVersion.IndexOf('/') + 1)..] : apiVersion;
        var prefix = $"{kindName} in version {GoValue.Quote(version)} cannot be handled as a {kindName}: ";
        var converter = new YamlToJson();
        JsonNode? json;
        try
        {
            json = converter.Convert(map, inputType);
        }
        catch (YamlReadException e)
        {
            errors.Add(new ManifestError(fileName, e.Position, e.Message));
            return;
        }
        if (converter.Problems.Count > 0)
        {
            foreach (var p in converter.Problems)
                errors.Add(new ManifestError(fileName, p.Position, prefix + (p.Unknown ? $"strict decoding error: unknown field {GoValue.Quote(p.Message)}" : p.Message)));
            return;
        }
        var bytes = JsonSerializer.SerializeToUtf8Bytes(json);
        if (bytes.Length > MaxObjectBytes)
        {
            errors.Add(new ManifestError(fileName, map.Start, $"Request entity too large: limit is {MaxObjectBytes}"));
            return;
        }
        KubeObject obj;
        try
        {
            obj = (KubeObject)KubeJson.Deserialize(bytes, inputType);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException or OverflowException)
        {
            errors.Add(new ManifestError(fileName, map.Start, prefix + e.Message));
            return;
        }
        obj = Conversion.ToStoredVersion(obj);
        documents.Add(new ManifestDocument(fileName, kind, obj, map.Start, converter.Positions));
    }

    private static ManifestLoadResult Fail(string file, string message) => new([], [new ManifestError(file, null, message)]);
}
