using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Sim.Core.Printing.Tables;

/// <summary>
/// A <c>meta.k8s.io/v1</c> Table, as kube-apiserver returns it for <c>Accept: application/json;as=Table;v=v1;g=meta.k8s.io</c>:
/// column definitions, then one row per object with its cells and (as <c>includeObject</c> asks) the object.
/// </summary>
/// <remarks>
/// The properties are declared in Go's field order and named as its JSON tags, so <see cref="Serialization.KubeJson"/>
/// writes the bytes kube-apiserver writes (<c>"columnDefinitions":null</c> under <c>noHeaders</c>, a row's
/// <c>"object":null</c> under <c>includeObject=None</c>, as Go's <c>RawExtension</c> marshals an empty object).
/// </remarks>
public sealed record ObjectTable
{
    /// <summary>Always <c>Table</c>.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; init; } = "Table";

    /// <summary><c>meta.k8s.io/v1</c> (or <c>meta.k8s.io/v1beta1</c>, when that is the version asked for).</summary>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; init; } = TableOptions.V1;

    /// <summary>The list's resourceVersion (and continue token), or for one object its resourceVersion.</summary>
    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; init; } = new();

    /// <summary>The columns, wide ones included (kube-apiserver always prints wide); null under <c>noHeaders</c>.</summary>
    [JsonPropertyName("columnDefinitions")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public IReadOnlyList<TableColumnDefinition>? ColumnDefinitions { get; init; }

    /// <summary>One row per object, in the order given.</summary>
    [JsonPropertyName("rows")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public IReadOnlyList<TableRow>? Rows { get; init; }
}

/// <summary>One column of a Table: <c>name</c>, <c>type</c> (string, integer, boolean, date), <c>format</c>, <c>description</c>, <c>priority</c>.</summary>
/// <param name="Name">The column's name as the printer defines it (<c>Nominated Node</c>); kubectl upper-cases it.</param>
/// <param name="Type">The OpenAPI type: <c>string</c>, <c>integer</c>, <c>boolean</c> or <c>date</c>.</param>
/// <param name="Format">An OpenAPI format hint; <c>name</c> marks the column holding the object's name.</param>
/// <param name="Description">Human-readable text (mostly the API field's documentation).</param>
/// <param name="Priority">0 for columns kubectl always shows, 1 for those only <c>-o wide</c> shows.</param>
public sealed record TableColumnDefinition(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("priority")] int Priority);

/// <summary>One row of a Table: its cells and the object it shows.</summary>
public sealed class TableRow
{
    /// <summary>A row printed from <paramref name="source"/>.</summary>
    public TableRow(KubeObject source) => Source = source;

    /// <summary>
    /// One cell per column definition: a <see cref="string"/>, a <see cref="long"/> (Go's <c>int64</c>) or a
    /// <see cref="bool"/>, exactly the Go types kube-apiserver puts there (which do not always match the column's type:
    /// a CronJob's <c>Suspend</c> is a boolean column holding the string <c>"False"</c>).
    /// </summary>
    [JsonPropertyName("cells")]
    public required IReadOnlyList<object> Cells { get; init; }

    /// <summary>Row conditions: a Succeeded or Failed pod's <c>Completed</c>; otherwise null (omitted).</summary>
    [JsonPropertyName("conditions")]
    public IReadOnlyList<TableRowCondition>? Conditions { get; init; }

    /// <summary>
    /// What <c>includeObject</c> asks for: the object itself (<c>Object</c>), its <see cref="PartialObjectMetadata"/>
    /// (<c>Metadata</c>, the default) or nothing (<c>None</c>, written as <c>null</c>).
    /// </summary>
    [JsonPropertyName("object")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public object? Object { get; init; }

    /// <summary>The object the row was printed from, whatever <see cref="Object"/> holds; not part of the wire form.</summary>
    [JsonIgnore]
    public KubeObject Source { get; }
}

/// <summary>A row condition (<c>metav1.TableRowCondition</c>); kube-apiserver sets only <c>Completed</c>, on finished pods.</summary>
/// <param name="Type">The condition type, e.g. <c>Completed</c>.</param>
/// <param name="Status"><c>True</c>, <c>False</c> or <c>Unknown</c>.</param>
/// <param name="Reason">Machine-readable reason (<c>Succeeded</c>, <c>Failed</c>).</param>
/// <param name="Message">Human-readable message.</param>
public sealed record TableRowCondition(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("message")] string? Message);

/// <summary>What a row carries besides its cells (<c>metav1.IncludeObjectPolicy</c>).</summary>
public enum IncludeObjectPolicy
{
    /// <summary><c>includeObject=Metadata</c>, the default: the object's metadata as a <c>PartialObjectMetadata</c>.</summary>
    Metadata,

    /// <summary><c>includeObject=Object</c>: the whole object.</summary>
    Object,

    /// <summary><c>includeObject=None</c>: nothing (<c>"object":null</c>).</summary>
    None,
}

/// <summary>The request's table options (<c>metav1.TableOptions</c>) and the Table version asked for.</summary>
public sealed record TableOptions
{
    /// <summary><c>meta.k8s.io/v1</c>.</summary>
    public const string V1 = "meta.k8s.io/v1";

    /// <summary><c>meta.k8s.io/v1beta1</c>, which kubectl still accepts as a fallback.</summary>
    public const string V1Beta1 = "meta.k8s.io/v1beta1";

    /// <summary>The defaults: headers, metadata in each row, <c>meta.k8s.io/v1</c>.</summary>
    public static TableOptions Default { get; } = new();

    /// <summary><c>noHeaders=true</c>: leave the column definitions out (watches send them once).</summary>
    public bool NoHeaders { get; init; }

    /// <summary><c>includeObject</c>.</summary>
    public IncludeObjectPolicy IncludeObject { get; init; } = IncludeObjectPolicy.Metadata;

    /// <summary>The Table's apiVersion, also the apiVersion of each row's <c>PartialObjectMetadata</c>.</summary>
    public string ApiVersion { get; init; } = V1;
}

/// <summary>An object's metadata alone (<c>meta.k8s.io/v1 PartialObjectMetadata</c>), what a Table row carries by default.</summary>
public sealed class PartialObjectMetadata : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Always <c>PartialObjectMetadata</c>.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "PartialObjectMetadata";

    /// <summary>The Table's version: <c>meta.k8s.io/v1</c> or <c>meta.k8s.io/v1beta1</c>.</summary>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = TableOptions.V1;

    /// <summary>The object's metadata, shared with the stored object: never change it.</summary>
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();
}
