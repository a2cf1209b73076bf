using System.Text.Json.Nodes;
using NanoChat.Appliance.Kernels.Protocol;

namespace NanoChat.Appliance.Kernels;

/// <summary>
/// One run of a cell while it is queued or running: its code, its log, and whether it has finished.
/// Lives from submit until done (then only its row and log file remain). Finishing is idempotent:
/// the first of done, interrupt-before-start or worker death wins, and writes the done event.
/// </summary>
public sealed class Execution(ExecutionRecord record, string code, ExecutionLog log, string @namespace, bool silent = false)
{
    private readonly TaskCompletionSource<string> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _finishedFlag;
    private int _awaitingInput;

    public long Id { get; } = record.Id;
    public string Key { get; } = record.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
    public long UserId { get; } = record.UserId;
    public long NotebookId { get; } = record.NotebookId;
    public string? CellId { get; } = record.CellId;
    public string Code { get; } = code;
    public string Namespace { get; } = @namespace;

    /// <summary>Not a cell of the student's (interact's control moved): the kernel does not number it.</summary>
    public bool Silent { get; } = silent;
    public ExecutionLog Log { get; } = log;
    public DateTimeOffset? StartedAt { get; set; }
    public string Status { get; set; } = ExecutionStatus.Queued;

    /// <summary>Completes with the final status.</summary>
    public Task<string> Finished => _finished.Task;

    /// <summary>input() in this execution asked for a line (an input_request event is in its log).</summary>
    public void MarkAwaitingInput() => Volatile.Write(ref _awaitingInput, 1);

    /// <summary>input() asks and nobody has answered yet.</summary>
    public bool AwaitingInput => Volatile.Read(ref _awaitingInput) == 1;

    /// <summary>Claims the pending input() for one answer; false if none waits or another tab answered first.</summary>
    public bool TryClaimInput() => Interlocked.Exchange(ref _awaitingInput, 0) == 1;

    /// <summary>Claims the right to finish; false if something else already finished it.</summary>
    public bool TryClaimFinish() => Interlocked.Exchange(ref _finishedFlag, 1) == 0;

    public void MarkFinished(string status)
    {
        Status = status;
        _finished.TrySetResult(status);
    }

    public static JsonObject Event(string type, params (string Name, JsonNode? Value)[] fields)
    {
        var evt = new JsonObject { ["type"] = type };
        foreach (var (name, value) in fields)
            evt[name] = value;
        return evt;
    }
}
