using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using NanoChat.Appliance.Notebooks;

namespace NanoChat.Appliance.Ipynb;

/// <summary>
/// Writes a notebook as nbformat 4.5, the way Jupyter itself writes files: sorted keys, one-space
/// indent, sources and text outputs as lists of lines, every cell with a valid unique id. Outputs
/// are re-checked on the way out so whatever another part of the appliance stored cannot produce
/// a file Jupyter refuses (an output that is not nbformat is left out rather than breaking the file).
/// </summary>
public static class IpynbWriter
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        IndentSize = 1,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Write(Notebook notebook) => ToJson(notebook).ToJsonString(Indented) + "\n";

    public static JsonObject ToJson(Notebook notebook)
    {
        var metadata = (JsonObject)notebook.Metadata.DeepClone();
        metadata.TryAdd("kernelspec", new JsonObject { ["display_name"] = "Python 3", ["language"] = "python", ["name"] = "python3" });
        metadata.TryAdd("language_info", new JsonObject { ["name"] = "python" });
        var seenIds = new HashSet<string>(StringComparer.Ordinal);
        var cells = new JsonArray();
        foreach (var cell in notebook.Cells)
            cells.Add(WriteCell(cell, seenIds));
        return new JsonObject
        {
            ["cells"] = cells,
            ["metadata"] = Sorted(metadata),
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
    }

    private static JsonObject WriteCell(Cell cell, HashSet<string> seenIds)
    {
        var id = IpynbReader.IsValidCellId(cell.Id) && !seenIds.Contains(cell.Id) ? cell.Id : FreshId(seenIds);
        seenIds.Add(id);
        var json = new JsonObject();
        if (cell.Type != "code" && cell.Attachments is { Count: > 0 } attachments)
        {
            var written = new JsonObject();
            foreach (var (name, bundle) in attachments.OrderBy(pair => pair.Key, StringComparer.Ordinal))
                written[name] = WriteBundle(bundle as JsonObject ?? []);
            json["attachments"] = written;
        }
        json["cell_type"] = cell.Type;
        if (cell.Type == "code")
            json["execution_count"] = cell.ExecutionCount;
        json["id"] = id;
        json["metadata"] = Sorted((JsonObject?)cell.Metadata?.DeepClone() ?? []);
        if (cell.Type == "code")
            json["outputs"] = WriteOutputs(cell.Outputs);
        json["source"] = Lines(cell.Source);
        return json;
    }

    private static JsonArray WriteOutputs(JsonArray? outputs)
    {
        var written = new JsonArray();
        foreach (var output in outputs ?? [])
        {
            JsonObject checkedOutput;
            try
            {
                checkedOutput = IpynbOutputs.Read(output, "output");
            }
            catch (IpynbFormatException)
            {
                continue;
            }
            if (checkedOutput["text"] is JsonValue text)
                checkedOutput["text"] = Lines(text.GetValue<string>());
            if (checkedOutput["data"] is JsonObject data)
                checkedOutput["data"] = WriteBundle(data);
            written.Add(Sorted(checkedOutput));
        }
        return written;
    }

    private static JsonObject WriteBundle(JsonObject bundle)
    {
        var written = new JsonObject();
        foreach (var (mime, value) in bundle.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            written[mime] = value is JsonValue text && text.TryGetValue<string>(out var content) && IpynbOutputs.IsLineSplitMime(mime)
                ? Lines(content)
                : value?.DeepClone();
        }
        return written;
    }

    /// <summary>Splits after each newline, as Jupyter does ("a\nb" → ["a\n", "b"]); joining gives the text back.</summary>
    public static JsonArray Lines(string text)
    {
        var lines = new JsonArray();
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf('\n', start);
            end = end < 0 ? text.Length : end + 1;
            lines.Add(text[start..end]);
            start = end;
        }
        return lines;
    }

    private static JsonObject Sorted(JsonObject source)
    {
        var sorted = new JsonObject();
        foreach (var (key, value) in source.OrderBy(pair => pair.Key, StringComparer.Ordinal).ToList())
        {
            source.Remove(key);
            sorted[key] = value;
        }
        return sorted;
    }

    private static string FreshId(HashSet<string> seenIds)
    {
        string id;
        do
            id = CellValidation.NewId();
        while (seenIds.Contains(id));
        return id;
    }
}
