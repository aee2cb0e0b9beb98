using System.Text.Json;

namespace Sim.Scenarios.Output;

/// <summary>The <c>--output json</c> object of contracts.md section 1 (plus <c>failures</c> and <c>aborted</c> when there are any).</summary>
public static class JsonReport
{
    /// <summary>Writes the report as one JSON object.</summary>
    public static void Write(Stream stream, RunResult result)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteString("scenario", result.Scenario.Name);
        w.WriteNumber("seed", result.Seed);
        w.WriteBoolean("passed", result.Passed);
        w.WritePropertyName("simulatedSeconds");
        w.WriteRawValue(result.Simulated.ToSecondsString());
        w.WriteNumber("historyEntries", result.HistoryEntries);
        if (result.HistoryHash is { } hash) w.WriteString("historyHash", hash);
        else w.WriteNull("historyHash");
        w.WriteStartArray("expectations");
        foreach (var e in result.Expectations)
        {
            w.WriteStartObject();
            w.WritePropertyName("at");
            w.WriteRawValue(e.At.ToSecondsString());
            w.WriteString("description", e.Description);
            w.WriteBoolean("passed", e.Passed);
            w.WriteString("actual", e.Actual);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (result.Failures.Count > 0)
        {
            w.WriteStartArray("failures");
            foreach (var f in result.Failures)
            {
                w.WriteStartObject();
                w.WritePropertyName("at");
                w.WriteRawValue(f.At.ToSecondsString());
                w.WriteString("action", f.Action);
                w.WriteString("message", f.Message);
                w.WriteBoolean("allowed", f.Allowed);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (result.Aborted is { } aborted) w.WriteString("aborted", aborted);
        if (result.Expectations.Count == 0) w.WriteString("note", result.NothingCheckedReason);
        w.WriteEndObject();
        w.Flush();
        stream.Write("\n"u8);
    }
}
