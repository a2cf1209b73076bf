using System.Text.Json.Nodes;

namespace NanoChat.Appliance.Notebooks;

/// <summary>
/// Plain-text views of nbformat outputs for the read-only cell view (the editor renders rich
/// outputs in the browser). Bounded: a huge stream shows its head and tail only.
/// </summary>
public static class OutputText
{
    public const int MaxCharsShown = 20_000;

    public sealed record Summary(string Kind, string Text, string? ImageDataUrl);

    public static IEnumerable<Summary> Summaries(JsonArray? outputs)
    {
        foreach (var output in outputs ?? [])
        {
            if (output is not JsonObject item)
                continue;
            var type = item["output_type"]?.GetValue<string>();
            switch (type)
            {
                case "stream":
                    yield return new Summary(item["name"]?.GetValue<string>() ?? "stdout", Bound(Join(item["text"])), null);
                    break;
                case "error":
                    yield return new Summary("error", Bound(string.Join('\n', (item["traceback"] as JsonArray ?? []).Select(line => line?.GetValue<string>()))), null);
                    break;
                case "execute_result" or "display_data":
                    var data = item["data"] as JsonObject;
                    if (data?["image/png"] is { } png)
                        yield return new Summary("image", "", "data:image/png;base64," + Join(png).Replace("\n", "", StringComparison.Ordinal));
                    else if (data?["text/plain"] is { } text)
                        yield return new Summary("result", Bound(Join(text)), null);
                    break;
            }
        }
    }

    /// <summary>nbformat allows a string or a list of strings for multi-line text.</summary>
    public static string Join(JsonNode? node) => node switch
    {
        JsonArray lines => string.Concat(lines.Select(line => line?.GetValue<string>())),
        JsonValue value => value.GetValue<string>(),
        _ => "",
    };

    private static string Bound(string text) =>
        text.Length <= MaxCharsShown ? text : string.Concat(text.AsSpan(0, MaxCharsShown / 2), "\n… output truncated …\n", text.AsSpan(text.Length - (MaxCharsShown / 2)));
}
