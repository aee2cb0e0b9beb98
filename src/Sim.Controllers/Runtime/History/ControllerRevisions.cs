using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using Sim.Core.Serialization;

namespace Sim.Controllers.Runtime.History;

/// <summary>
/// What the controllers that keep ControllerRevisions (the DaemonSet controller; the StatefulSet controller's history
/// reads the same way) share: revision order, the template patch a revision stores, and its data as text.
/// </summary>
public static class ControllerRevisions
{
    /// <summary>The label a revision (and each pod made from it) carries its hash in.</summary>
    public const string HashLabel = "controller-revision-hash";

    // A revision's data never changes (the API refuses it): its text is read once per stored version.
    private static readonly ConditionalWeakTable<V1ControllerRevision, string> DataTexts = new();

    /// <summary>The highest revision number of <paramref name="revisions"/>, 0 when there are none (<c>maxRevision</c>).</summary>
    public static long MaxRevision(IEnumerable<V1ControllerRevision> revisions)
    {
        long max = 0;
        foreach (var r in revisions)
            if ((r.Revision ?? 0) > max) max = r.Revision ?? 0;
        return max;
    }

    /// <summary>
    /// Sorts oldest revision first (<c>historiesByRevision</c>); upstream's sort is not stable, so equal revisions are
    /// put in name order here to keep the order of what follows the same from run to run.
    /// </summary>
    public static void SortByRevision(List<V1ControllerRevision> revisions) =>
        revisions.Sort(static (a, b) => (a.Revision ?? 0) != (b.Revision ?? 0) ? (a.Revision ?? 0).CompareTo(b.Revision ?? 0) : string.CompareOrdinal(a.Metadata.Name, b.Metadata.Name));

    /// <summary>
    /// The owner's <c>getPatch</c>: <c>{"spec":{"template":{...,"$patch":"replace"}}}</c>, a strategic merge patch that
    /// restores the template. Upstream marshals the object, reads it back into maps and marshals those, so every
    /// object's keys come out sorted; so do they here.
    /// </summary>
    public static string TemplatePatch(KubeObject owner)
    {
        var root = JsonNode.Parse(KubeJson.Serialize(owner))!.AsObject();
        var template = root["spec"]?["template"]?.DeepClone() as JsonObject ?? new JsonObject();
        template["$patch"] = "replace";
        var patch = new JsonObject { ["spec"] = new JsonObject { ["template"] = template } };
        return Sorted(patch)!.ToJsonString();
    }

    /// <summary>The data to store for <paramref name="json"/> (a RawExtension's raw bytes, as a JSON element).</summary>
    public static object Data(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    /// <summary>The revision's data as JSON text, byte for byte as stored (what <c>Match</c> compares a patch with).</summary>
    public static string DataText(V1ControllerRevision revision) => DataTexts.GetValue(revision, static r => r.Data switch
    {
        null => "",
        JsonElement e => e.GetRawText(),
        var other => KubeJson.Serialize(other),
    });

    private static JsonNode? Sorted(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var sorted = new JsonObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal).ToList())
                {
                    obj.Remove(key);
                    sorted[key] = Sorted(value);
                }
                return sorted;
            case JsonArray array:
                var items = array.ToList();
                array.Clear();
                var copy = new JsonArray();
                foreach (var item in items) copy.Add(Sorted(item));
                return copy;
            default:
                return node;
        }
    }
}
