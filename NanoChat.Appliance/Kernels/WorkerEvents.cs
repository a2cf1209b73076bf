using System.Text.Json.Nodes;
using NanoChat.Appliance.Kernels.Protocol;

namespace NanoChat.Appliance.Kernels;

/// <summary>
/// A worker's notification as the execution log's event (what the page's stream replays): the
/// one place the two vocabularies meet. Null for messages that are not output (the final `done`).
/// </summary>
public static class WorkerEvents
{
    public static JsonObject? ToLogEvent(KernelMessage message) => message switch
    {
        StreamNotification stream => Execution.Event(stream.Name == "stderr" ? "stderr" : "stdout", ("text", stream.Text)),
        DisplayNotification display => Display(display),
        UpdateDisplayNotification update => Execution.Event("update_display", ("outputType", update.OutputType), ("data", update.Data), ("metadata", update.Metadata), ("displayId", update.DisplayId)),
        InputRequestNotification input => input.Password
            ? Execution.Event("input_request", ("prompt", input.Prompt), ("password", true))
            : Execution.Event("input_request", ("prompt", input.Prompt)),
        ClearOutputNotification clear => Execution.Event("clear_output", ("wait", clear.Wait)),
        SetNextInputNotification next => Execution.Event("set_next_input", ("text", next.Text), ("replace", next.Replace)),
        ErrorNotification error => Execution.Event("error", ("ename", error.Ename), ("evalue", error.Evalue),
            ("traceback", new JsonArray([.. error.Traceback.Select(line => (JsonNode?)JsonValue.Create(line))]))),
        _ => null,
    };

    private static JsonObject Display(DisplayNotification display)
    {
        var shown = Execution.Event("display", ("outputType", display.OutputType), ("data", display.Data), ("metadata", display.Metadata));
        if (display.DisplayId is { } displayId)
            shown["displayId"] = displayId;
        return shown;
    }
}
