using System.Text.Json.Nodes;

namespace NanoChat.Appliance.Ipynb;

/// <summary>
/// Small typed readers for nbformat fields that name the path of the field in their error, so a
/// refusal says exactly where a notebook is wrong. Shared by the v4 reader and the v3 converter.
/// </summary>
internal static class IpynbJson
{
    public static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "a list",
        JsonValue value when value.TryGetValue<string>(out _) => "a string",
        JsonValue value when value.TryGetValue<bool>(out _) => "true/false",
        _ => "a number",
    };

    /// <summary>nbformat's multiline string: a string or a list of strings (joined without separators).</summary>
    public static string MultilineText(JsonNode? node, string path)
    {
        if (node is JsonValue value && value.TryGetValue<string>(out var text))
            return text;
        if (node is JsonArray lines)
        {
            var joined = new System.Text.StringBuilder();
            for (var index = 0; index < lines.Count; index++)
            {
                if (lines[index] is not JsonValue line || !line.TryGetValue<string>(out var part))
                    throw new IpynbFormatException($"{path}[{index}] must be a string, not {Describe(lines[index])}.");
                joined.Append(part);
            }
            return joined.ToString();
        }
        throw new IpynbFormatException($"{path} must be a string or a list of strings, not {Describe(node)}.");
    }

    public static string RequiredString(JsonObject owner, string key, string path) =>
        owner[key] is JsonValue value && value.TryGetValue<string>(out var text)
            ? text
            : throw new IpynbFormatException(owner.ContainsKey(key)
                ? $"{path}.{key} must be a string, not {Describe(owner[key])}."
                : $"{path} has no '{key}'.");

    public static JsonObject OptionalObject(JsonObject owner, string key, string path) => owner[key] switch
    {
        null => [],
        JsonObject found => (JsonObject)found.DeepClone(),
        var other => throw new IpynbFormatException($"{path}.{key} must be an object, not {Describe(other)}."),
    };

    /// <summary>An execution count: a non-negative integer or null (missing reads as null).</summary>
    public static int? ExecutionCount(JsonObject owner, string key, string path)
    {
        var node = owner[key];
        if (node is null)
            return null;
        if (node is JsonValue small && small.TryGetValue<int>(out var whole) && whole >= 0)
            return whole;
        if (node is JsonValue value && value.TryGetValue<long>(out var number) && number is >= 0 and <= int.MaxValue)
            return (int)number;
        if (node is JsonValue fractional && fractional.TryGetValue<double>(out var real) && real >= 0 && real <= int.MaxValue && Math.Floor(real) == real)
            return (int)real;
        throw new IpynbFormatException($"{path}.{key} must be a whole number or null, not {Describe(node)}.");
    }

    public static JsonArray RequiredArray(JsonObject owner, string key, string path) => owner[key] switch
    {
        JsonArray found => found,
        null when !owner.ContainsKey(key) => throw new IpynbFormatException($"{path} has no '{key}' list."),
        var other => throw new IpynbFormatException($"{path}.{key} must be a list, not {Describe(other)}."),
    };
}
