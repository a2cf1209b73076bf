using System.Text.Json.Nodes;

namespace NanoChat.Appliance.Ipynb;

/// <summary>
/// Converts an nbformat 3 notebook (IPython 1–3: worksheets, <c>input</c>, <c>prompt_number</c>,
/// <c>pyout</c>/<c>pyerr</c>, short MIME keys, heading cells) into nbformat 4.0, following the
/// rules of Jupyter's own upgrade, so old course notebooks import without a detour through Jupyter.
/// </summary>
internal static class Nbformat3
{
    private static readonly Dictionary<string, string> ShortMimeKeys = new(StringComparer.Ordinal)
    {
        ["text"] = "text/plain",
        ["html"] = "text/html",
        ["svg"] = "image/svg+xml",
        ["png"] = "image/png",
        ["jpeg"] = "image/jpeg",
        ["latex"] = "text/latex",
        ["json"] = "application/json",
        ["javascript"] = "application/javascript",
        ["markdown"] = "text/markdown",
        ["pdf"] = "application/pdf",
    };

    public static JsonObject Upgrade(JsonObject notebook)
    {
        var metadata = IpynbJson.OptionalObject(notebook, "metadata", "notebook");
        if (metadata["name"] is JsonValue name && name.TryGetValue<string>(out var title) && title.Length > 0 && !metadata.ContainsKey("title"))
            metadata["title"] = title;
        metadata.Remove("name");
        metadata.Remove("signature");
        var cells = new JsonArray();
        var worksheets = IpynbJson.RequiredArray(notebook, "worksheets", "notebook");
        for (var sheet = 0; sheet < worksheets.Count; sheet++)
        {
            var path = $"worksheets[{sheet}]";
            if (worksheets[sheet] is not JsonObject worksheet)
                throw new IpynbFormatException($"{path} must be an object, not {IpynbJson.Describe(worksheets[sheet])}.");
            var sheetCells = IpynbJson.RequiredArray(worksheet, "cells", path);
            for (var index = 0; index < sheetCells.Count; index++)
                cells.Add(UpgradeCell(sheetCells[index], $"{path}.cells[{index}]"));
        }
        return new JsonObject { ["nbformat"] = 4, ["nbformat_minor"] = 0, ["metadata"] = metadata, ["cells"] = cells };
    }

    private static JsonObject UpgradeCell(JsonNode? node, string path)
    {
        if (node is not JsonObject cell)
            throw new IpynbFormatException($"{path} must be an object, not {IpynbJson.Describe(node)}.");
        var type = IpynbJson.RequiredString(cell, "cell_type", path);
        var metadata = IpynbJson.OptionalObject(cell, "metadata", path);
        switch (type)
        {
            case "code":
                if (cell["collapsed"] is JsonValue collapsed)
                    metadata["collapsed"] = collapsed.DeepClone();
                var outputs = new JsonArray();
                var given = cell["outputs"] is null ? [] : IpynbJson.RequiredArray(cell, "outputs", path);
                for (var index = 0; index < given.Count; index++)
                    outputs.Add(UpgradeOutput(given[index], $"{path}.outputs[{index}]"));
                return new JsonObject
                {
                    ["cell_type"] = "code",
                    ["source"] = cell["input"]?.DeepClone() ?? "",
                    ["execution_count"] = IpynbJson.ExecutionCount(cell, "prompt_number", path),
                    ["metadata"] = metadata,
                    ["outputs"] = outputs,
                };
            case "heading":
                var level = cell["level"] is JsonValue levelValue && levelValue.TryGetValue<int>(out var number) ? Math.Clamp(number, 1, 6) : 1;
                var heading = IpynbJson.MultilineText(cell["source"] ?? "", $"{path}.source").Replace("\n", " ", StringComparison.Ordinal);
                return new JsonObject { ["cell_type"] = "markdown", ["source"] = $"{new string('#', level)} {heading}", ["metadata"] = metadata };
            case "markdown" or "raw":
                return new JsonObject { ["cell_type"] = type, ["source"] = cell["source"]?.DeepClone() ?? "", ["metadata"] = metadata };
            default:
                throw new IpynbFormatException($"{path}.cell_type is '{type}'; nbformat 3 cells are code, markdown, raw or heading.");
        }
    }

    private static JsonObject UpgradeOutput(JsonNode? node, string path)
    {
        if (node is not JsonObject output)
            throw new IpynbFormatException($"{path} must be an object, not {IpynbJson.Describe(node)}.");
        var type = IpynbJson.RequiredString(output, "output_type", path);
        switch (type)
        {
            case "stream":
                return new JsonObject
                {
                    ["output_type"] = "stream",
                    ["name"] = output["stream"] is JsonValue stream && stream.TryGetValue<string>(out var name) ? name : "stdout",
                    ["text"] = output["text"]?.DeepClone() ?? "",
                };
            case "pyerr":
                return new JsonObject
                {
                    ["output_type"] = "error",
                    ["ename"] = output["ename"]?.DeepClone(),
                    ["evalue"] = output["evalue"]?.DeepClone(),
                    ["traceback"] = output["traceback"]?.DeepClone() ?? new JsonArray(),
                };
            case "pyout" or "display_data":
                var data = new JsonObject();
                foreach (var (key, value) in output)
                {
                    if (key is "output_type" or "prompt_number" or "metadata")
                        continue;
                    var mime = ShortMimeKeys.GetValueOrDefault(key) ?? (key.Contains('/', StringComparison.Ordinal) ? key : null);
                    if (mime is not null)
                        data[mime] = value?.DeepClone();
                }
                var converted = new JsonObject
                {
                    ["output_type"] = type == "pyout" ? "execute_result" : "display_data",
                    ["data"] = data,
                    ["metadata"] = IpynbJson.OptionalObject(output, "metadata", path),
                };
                if (type == "pyout")
                    converted["execution_count"] = IpynbJson.ExecutionCount(output, "prompt_number", path);
                return converted;
            default:
                throw new IpynbFormatException($"{path}.output_type is '{type}'; nbformat 3 outputs are stream, pyout, pyerr or display_data.");
        }
    }
}
