using System.Text;
using System.Text.Json.Nodes;

namespace NanoChat.Appliance.Kernels;

/// <summary>
/// Turns an execution log into what a notebook keeps for the cell: nbformat v4 outputs where stream
/// text is bounded to a head and a tail (with a marker saying how much was left out and where the
/// full log is) and the number of rich outputs is capped. clear_output and update_display events apply
/// as in Jupyter, so a live-updating cell keeps only its last state. The full log stays on disk.
/// </summary>
public static class ExecutionOutputs
{
    /// <summary>Rich outputs (display/execute_result) kept per cell.</summary>
    public const int MaxDisplays = 50;

    public static JsonObject Describe(ExecutionRecord record, KernelOptions options)
    {
        var outputs = new JsonArray();
        var streams = new Dictionary<string, BoundedText>();
        var displays = 0;
        var clearOnNextOutput = false;
        var byDisplayId = new Dictionary<string, List<JsonObject>>(StringComparer.Ordinal); // display(display_id=…) outputs, for update_display
        if (record.LogPath.Length > 0 && File.Exists(record.LogPath))
        {
            foreach (var line in File.ReadLines(record.LogPath))
            {
                var tab = line.IndexOf('\t', StringComparison.Ordinal);
                if (tab < 0 || JsonNode.Parse(line[(tab + 1)..]) is not JsonObject evt)
                    continue;
                var type = (string?)evt["type"];
                var waits = type == "clear_output" && ((bool?)evt["wait"] ?? false);
                // clear_output(wait=True) takes effect when the next output arrives, as in Jupyter; if
                // none does, what was there stays.
                if (type == "clear_output" && !waits || clearOnNextOutput && type is "stdout" or "stderr" or "display" or "error")
                {
                    outputs.Clear();
                    streams.Clear();
                    byDisplayId.Clear();
                    displays = 0;
                    clearOnNextOutput = false;
                }
                switch (type)
                {
                    case "clear_output" when waits:
                        clearOnNextOutput = true;
                        break;
                    case "stdout" or "stderr":
                        var name = (string)evt["type"]!;
                        if (!streams.TryGetValue(name, out var text))
                        {
                            streams[name] = text = new BoundedText(options.StoredHeadBytes, options.StoredTailBytes);
                            outputs.Add(new JsonObject { ["output_type"] = "stream", ["name"] = name, ["text"] = "" });
                        }
                        text.Append((string?)evt["text"] ?? "");
                        break;
                    case "display" when displays++ < MaxDisplays:
                        var output = new JsonObject { ["output_type"] = (string?)evt["outputType"] ?? "display_data", ["data"] = evt["data"]?.DeepClone(), ["metadata"] = evt["metadata"]?.DeepClone() ?? new JsonObject() };
                        if ((string?)output["output_type"] == "execute_result")
                            output["execution_count"] = record.ExecutionCount;
                        outputs.Add(output);
                        if ((string?)evt["displayId"] is { } shownId)
                            (byDisplayId.TryGetValue(shownId, out var shown) ? shown : byDisplayId[shownId] = []).Add(output);
                        break;
                    case "update_display" when (string?)evt["displayId"] is { } updatedId && byDisplayId.TryGetValue(updatedId, out var targets):
                        // Within this execution; an output of another cell is the page's to update (it saves the notebook).
                        foreach (var target in targets)
                        {
                            target["data"] = evt["data"]?.DeepClone();
                            target["metadata"] = evt["metadata"]?.DeepClone() ?? new JsonObject();
                        }
                        break;
                    case "error":
                        outputs.Add(new JsonObject { ["output_type"] = "error", ["ename"] = evt["ename"]?.DeepClone(), ["evalue"] = evt["evalue"]?.DeepClone(), ["traceback"] = evt["traceback"]?.DeepClone() });
                        break;
                    default:
                        break;
                }
            }
        }
        foreach (var output in outputs.OfType<JsonObject>().Where(o => (string?)o["output_type"] == "stream"))
            output["text"] = streams[(string)output["name"]!].ToString(record.Id);
        return new JsonObject
        {
            ["id"] = record.Id,
            ["notebookId"] = record.NotebookId,
            ["cellId"] = record.CellId,
            ["status"] = record.Status,
            ["executionCount"] = record.ExecutionCount,
            ["reason"] = record.Reason,
            ["logBytes"] = record.LogBytes,
            ["createdAt"] = record.CreatedAt,
            ["startedAt"] = record.StartedAt,
            ["finishedAt"] = record.FinishedAt,
            ["outputs"] = outputs,
            ["displaysOmitted"] = Math.Max(0, displays - MaxDisplays),
        };
    }

    /// <summary>Keeps the first and last bytes of a long text, counting what falls in between.</summary>
    private sealed class BoundedText(int headChars, int tailChars)
    {
        private readonly StringBuilder _head = new();
        private readonly StringBuilder _tail = new();
        private long _omitted;

        public void Append(string text)
        {
            var room = headChars - _head.Length;
            if (room > 0)
            {
                _head.Append(text.AsSpan(0, Math.Min(room, text.Length)));
                text = text[Math.Min(room, text.Length)..];
            }
            _tail.Append(text);
            if (_tail.Length > tailChars * 2)
            {
                var cut = _tail.Length - tailChars;
                _omitted += cut;
                _tail.Remove(0, cut);
            }
        }

        public string ToString(long executionId)
        {
            if (_tail.Length > tailChars)
            {
                _omitted += _tail.Length - tailChars;
                _tail.Remove(0, _tail.Length - tailChars);
            }
            return _omitted == 0 ? _head.ToString() + _tail
                : $"{_head}\n… {_omitted:N0} characters not shown (full log: GET /api/executions/{executionId}/events) …\n{_tail}";
        }
    }
}
