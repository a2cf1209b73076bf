using System.Globalization;
using System.Text.Json.Nodes;

namespace NanoChat.Appliance.Kernels;

/// <summary>
/// How far a running cell has got, in one short line for the instructor's Kernels panel, read from
/// the execution's own events as they are logged (not from the saved notebook, which lags behind the
/// autosave): the latest progress bar ("train 30/100 (30 %)"), else the latest line the cell printed
/// (after a carriage return, the line as a terminal shows it). Fed by <see cref="ExecutionLog.Append"/>.
/// </summary>
public sealed class ExecutionProgress
{
    /// <summary>Longest line kept (characters); a cell printing a huge line is cut here.</summary>
    public const int MaxChars = 120;

    private const string WidgetMime = "application/vnd.nanochat.widget+json";
    private readonly object _lock = new();
    private string? _bar;
    private string? _line;
    private string _partial = "";

    /// <summary>The bar's words if the cell showed one, else its latest printed line; null before any output.</summary>
    public string? Latest
    {
        get
        {
            lock (_lock)
                return _bar ?? _line;
        }
    }

    public void Observe(JsonObject evt)
    {
        switch ((string?)evt["type"])
        {
            case "stdout" or "stderr":
                Print((string?)evt["text"] ?? "");
                break;
            case "display" or "update_display":
                if ((evt["data"] as JsonObject)?[WidgetMime] is JsonNode widget && FindBar(widget) is { } bar)
                {
                    lock (_lock)
                        _bar = Describe(bar);
                }
                break;
            default:
                break;
        }
    }

    private void Print(string text)
    {
        lock (_lock)
        {
            var lines = (_partial + text).Split('\n');
            _partial = Cut(lines[^1]);
            // The newest line with something on it: the unfinished one (a \r progress line), else the last whole one.
            foreach (var candidate in lines.Reverse())
            {
                var shown = candidate[(candidate.LastIndexOf('\r') + 1)..].Trim();
                if (shown.Length == 0)
                    continue;
                _line = Cut(shown);
                break;
            }
        }
    }

    private static string Cut(string text) => text.Length <= MaxChars ? text : text[..(MaxChars - 1)] + "…";

    // A widget may hold its bar inside boxes or an Output: the first control of kind "progress".
    private static JsonObject? FindBar(JsonNode? node) => node switch
    {
        JsonObject item when (string?)item["kind"] == "progress" => item,
        JsonObject item => item.Select(pair => FindBar(pair.Value)).FirstOrDefault(found => found is not null),
        JsonArray items => items.Select(FindBar).FirstOrDefault(found => found is not null),
        _ => null,
    };

    private static string Describe(JsonObject bar)
    {
        var value = Number(bar["value"]);
        var max = Number(bar["max"]);
        var words = ((string?)bar["description"])?.Trim().TrimEnd(':');
        var share = max > 0 ? string.Create(CultureInfo.InvariantCulture, $"{value:0.##}/{max:0.##} ({100 * value / max:0} %)") : string.Create(CultureInfo.InvariantCulture, $"{value:0.##}");
        return Cut(string.IsNullOrEmpty(words) ? share : $"{words} {share}");
    }

    private static double Number(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue(out double number) ? number : 0;
}
