using System.Text.Json;
using System.Text.Json.Nodes;
using NanoChat.Appliance.Ipynb;

namespace NanoChat.Appliance.Notebooks;

/// <summary>
/// nbformat v4's output schema, checked without copying: saves are refused with the first problem,
/// and outputs already stored that break it (rows written before saves were checked) are shown as a
/// short note instead of failing the page that reads them. Extra fields are allowed: the editor keeps
/// a few of its own beside nbformat's.
/// </summary>
public static class OutputValidation
{
    public const string UnreadableNote = "This output could not be shown";

    /// <summary>What is wrong with one output, or null when nbformat would accept it.</summary>
    public static string? Problem(JsonNode? output)
    {
        if (output is not JsonObject item)
            return $"must be an object, not {Describe(output)}.";
        if (item["output_type"] is not JsonValue typeValue || !typeValue.TryGetValue<string>(out var type))
            return item.ContainsKey("output_type") ? $"output_type must be a string, not {Describe(item["output_type"])}." : "has no output_type.";
        return type switch
        {
            "stream" => StringField(item, "name") ?? MultilineText(item["text"], "text", required: true),
            "display_data" => MimeBundle(item["data"]) ?? OptionalObject(item, "metadata"),
            "execute_result" => ExecutionCount(item["execution_count"]) ?? MimeBundle(item["data"]) ?? OptionalObject(item, "metadata"),
            "error" => StringField(item, "ename") ?? StringField(item, "evalue", required: false) ?? Traceback(item["traceback"]),
            _ => $"output_type is '{Shorten(type)}'; nbformat 4 outputs are {string.Join(", ", IpynbOutputs.OutputTypes)}.",
        };
    }

    /// <summary>
    /// The outputs as given when every one is valid (no copy); otherwise a copy where each invalid
    /// one is a stderr note saying so, so every page, export and copy can show the rest.
    /// </summary>
    public static JsonArray? Repaired(JsonArray? outputs)
    {
        if (outputs is null || outputs.All(output => Problem(output) is null))
            return outputs;
        var repaired = new JsonArray();
        foreach (var output in outputs)
        {
            repaired.Add(Problem(output) is { } problem
                ? new JsonObject { ["output_type"] = "stream", ["name"] = "stderr", ["text"] = $"{UnreadableNote} (it {problem.TrimEnd('.')}).\n" }
                : output?.DeepClone());
        }
        return repaired;
    }

    private static string? StringField(JsonObject item, string key, bool required = true) => item[key] switch
    {
        JsonValue value when value.TryGetValue<string>(out _) => null,
        null when !item.ContainsKey(key) => required ? $"has no '{key}'." : null,
        var other => $"{key} must be a string, not {Describe(other)}.",
    };

    private static string? MultilineText(JsonNode? node, string what, bool required)
    {
        if (node is null)
            return required ? $"{what} must be a string or a list of strings, not null." : null;
        if (node is JsonValue value && value.TryGetValue<string>(out _))
            return null;
        if (node is JsonArray lines)
        {
            for (var index = 0; index < lines.Count; index++)
            {
                if (lines[index] is not JsonValue line || !line.TryGetValue<string>(out _))
                    return $"{what}[{index}] must be a string, not {Describe(lines[index])}.";
            }
            return null;
        }
        return $"{what} must be a string or a list of strings, not {Describe(node)}.";
    }

    private static string? MimeBundle(JsonNode? node)
    {
        if (node is not JsonObject bundle)
            return node is null ? "has no 'data'." : $"data must be an object of MIME types, not {Describe(node)}.";
        foreach (var (mime, value) in bundle)
        {
            if (!mime.Contains('/', StringComparison.Ordinal))
                return $"data has the key '{Shorten(mime)}', which is not a MIME type like text/plain.";
            if (!IpynbOutputs.IsJsonMime(mime) && MultilineText(value, $"data[\"{Shorten(mime)}\"]", required: true) is { } problem)
                return problem;
        }
        return null;
    }

    private static string? ExecutionCount(JsonNode? node) =>
        // A parsed number reads as long; one the import built in memory holds an int.
        node is null || (node is JsonValue value && ((value.TryGetValue<int>(out var small) && small >= 0)
            || (value.TryGetValue<long>(out var count) && count is >= 0 and <= int.MaxValue)))
            ? null
            : $"execution_count must be a whole number or null, not {Describe(node)}.";

    private static string? OptionalObject(JsonObject item, string key) =>
        item[key] is null or JsonObject ? null : $"{key} must be an object, not {Describe(item[key])}.";

    private static string? Traceback(JsonNode? node)
    {
        if (node is not JsonArray lines)
            return $"traceback must be a list of strings, not {Describe(node)}.";
        for (var index = 0; index < lines.Count; index++)
        {
            if (lines[index] is not JsonValue line || !line.TryGetValue<string>(out _))
                return $"traceback[{index}] must be a string, not {Describe(lines[index])}.";
        }
        return null;
    }

    private static string Describe(JsonNode? node) => node?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.True or JsonValueKind.False => "true/false",
        _ => "a number",
    };

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
