using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace NanoChat.Appliance.Tests.Ipynb;

/// <summary>
/// Our hand-written .ipynb fixtures and a comparison view of a notebook: what Jupyter would show
/// (cell types, sources, outputs with text and MIME data, execution counts, attachments, metadata),
/// with nbformat's two spellings of multi-line text (string or list of strings) made one.
/// </summary>
public static class IpynbFixtures
{
    public static readonly string[] RoundTripFiles = ["course-lecture.ipynb", "string-sources.ipynb"];

    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Ipynb", "Fixtures", name);

    public static string Read(string name) => File.ReadAllText(Path(name));

    public static HttpContent RawBody(string json)
    {
        var content = new StringContent(json, System.Text.Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ipynb+json");
        return content;
    }

    /// <summary>The notebook as Jupyter sees it; cell ids are left out (they may be assigned on import).</summary>
    public static JsonObject Comparable(JsonNode notebook)
    {
        var cells = new JsonArray();
        foreach (var cell in notebook["cells"]!.AsArray())
        {
            var type = cell!["cell_type"]!.GetValue<string>();
            var view = new JsonObject
            {
                ["cell_type"] = type,
                ["source"] = Text(cell["source"]),
                ["metadata"] = cell["metadata"]?.DeepClone() ?? new JsonObject(),
            };
            if (type == "code")
            {
                view["execution_count"] = cell["execution_count"]?.DeepClone();
                view["outputs"] = new JsonArray(cell["outputs"]!.AsArray().Select(output => (JsonNode?)Output(output!.AsObject())).ToArray());
            }
            if (cell["attachments"] is JsonObject attachments && attachments.Count > 0)
                view["attachments"] = Bundle(attachments.ToDictionary(pair => pair.Key, pair => (JsonNode?)Bundle(pair.Value!.AsObject())));
            cells.Add(view);
        }
        return new JsonObject { ["cells"] = cells, ["metadata"] = notebook["metadata"]!.DeepClone() };
    }

    private static JsonObject Output(JsonObject output)
    {
        var view = new JsonObject();
        foreach (var (key, value) in output.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            view[key] = key switch
            {
                "text" => Text(value),
                "data" => Bundle(value!.AsObject()),
                _ => value?.DeepClone(),
            };
        }
        view.TryAdd("metadata", new JsonObject());
        return view;
    }

    private static JsonObject Bundle(IEnumerable<KeyValuePair<string, JsonNode?>> bundle)
    {
        var view = new JsonObject();
        foreach (var (mime, value) in bundle.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            view[mime] = mime.EndsWith("json", StringComparison.Ordinal) || value is JsonObject ? value?.DeepClone() : Text(value);
        return view;
    }

    public static string Text(JsonNode? node) => node switch
    {
        JsonArray lines => string.Concat(lines.Select(line => line!.GetValue<string>())),
        null => "",
        _ => node.GetValue<string>(),
    };
}
