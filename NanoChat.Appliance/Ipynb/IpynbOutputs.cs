using System.Text.Json.Nodes;

namespace NanoChat.Appliance.Ipynb;

/// <summary>
/// The four nbformat v4 output types (stream, display_data, execute_result, error) and MIME bundles,
/// checked and brought to one stored shape: multi-line text joined into one string, JSON MIME types
/// kept as JSON, only the fields nbformat defines. Used on import (strict) and export (to repair
/// outputs written by other parts of the appliance before they reach Jupyter).
/// </summary>
public static class IpynbOutputs
{
    public static readonly string[] OutputTypes = ["stream", "display_data", "execute_result", "error"];

    public static JsonArray ReadAll(JsonArray outputs, string path)
    {
        var result = new JsonArray();
        for (var index = 0; index < outputs.Count; index++)
            result.Add(Read(outputs[index], $"{path}[{index}]"));
        return result;
    }

    public static JsonObject Read(JsonNode? node, string path)
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
                    ["name"] = IpynbJson.RequiredString(output, "name", path),
                    ["text"] = IpynbJson.MultilineText(output["text"], $"{path}.text"),
                };
            case "display_data":
                return new JsonObject
                {
                    ["output_type"] = "display_data",
                    ["data"] = MimeBundle(output["data"], $"{path}.data"),
                    ["metadata"] = IpynbJson.OptionalObject(output, "metadata", path),
                };
            case "execute_result":
                return new JsonObject
                {
                    ["output_type"] = "execute_result",
                    ["execution_count"] = IpynbJson.ExecutionCount(output, "execution_count", path),
                    ["data"] = MimeBundle(output["data"], $"{path}.data"),
                    ["metadata"] = IpynbJson.OptionalObject(output, "metadata", path),
                };
            case "error":
                var traceback = new JsonArray();
                if (output["traceback"] is JsonArray lines)
                {
                    for (var index = 0; index < lines.Count; index++)
                    {
                        traceback.Add(lines[index] is JsonValue line && line.TryGetValue<string>(out var text)
                            ? text
                            : throw new IpynbFormatException($"{path}.traceback[{index}] must be a string, not {IpynbJson.Describe(lines[index])}."));
                    }
                }
                else if (output["traceback"] is not null)
                {
                    throw new IpynbFormatException($"{path}.traceback must be a list of strings, not {IpynbJson.Describe(output["traceback"])}.");
                }
                return new JsonObject
                {
                    ["output_type"] = "error",
                    ["ename"] = IpynbJson.RequiredString(output, "ename", path),
                    ["evalue"] = IpynbJson.RequiredString(output, "evalue", path),
                    ["traceback"] = traceback,
                };
            default:
                throw new IpynbFormatException($"{path}.output_type is '{type}'; nbformat 4 outputs are stream, display_data, execute_result or error.");
        }
    }

    /// <summary>A MIME bundle: text types as one string, JSON types (application/json, *+json) as JSON.</summary>
    public static JsonObject MimeBundle(JsonNode? node, string path)
    {
        if (node is not JsonObject bundle)
            throw new IpynbFormatException(node is null ? $"{path} is missing." : $"{path} must be an object of MIME types, not {IpynbJson.Describe(node)}.");
        var result = new JsonObject();
        foreach (var (mime, value) in bundle)
        {
            if (!mime.Contains('/', StringComparison.Ordinal))
                throw new IpynbFormatException($"{path} has the key '{Shorten(mime)}', which is not a MIME type like text/plain.");
            result[mime] = IsJsonMime(mime) ? value?.DeepClone() : IpynbJson.MultilineText(value, $"{path}[\"{Shorten(mime)}\"]");
        }
        return result;
    }

    public static bool IsJsonMime(string mime) =>
        mime == "application/json" || (mime.StartsWith("application/", StringComparison.Ordinal) && mime.EndsWith("+json", StringComparison.Ordinal));

    /// <summary>The MIME types Jupyter writes as lists of lines (nbformat's split_lines); others stay one string.</summary>
    public static bool IsLineSplitMime(string mime) =>
        mime.StartsWith("text/", StringComparison.Ordinal) || mime is "image/svg+xml" or "application/javascript";

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
