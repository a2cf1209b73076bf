using System.Text.Json.Nodes;
using NanoChat.Appliance.Kernels;

namespace NanoChat.Appliance.Tests.Kernels;

/// <summary>
/// What a notebook keeps of an execution (ExecutionOutputs over a real ExecutionLog file): here, how
/// clear_output events apply, as in Jupyter, and that the log's output cap also stops them.
/// </summary>
public sealed class ExecutionOutputsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nanochat-outputs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static JsonObject Stdout(string text) => Execution.Event("stdout", ("text", text));
    private static JsonObject Clear(bool wait) => Execution.Event("clear_output", ("wait", wait));
    private static JsonObject Html(string html) => Execution.Event("display", ("outputType", "display_data"), ("data", new JsonObject { ["text/html"] = html }), ("metadata", new JsonObject()));

    private JsonArray StoredOutputs(params JsonObject[] events)
    {
        var path = Path.Combine(_folder, $"{Guid.NewGuid():N}.log");
        var log = new ExecutionLog(path, maxBytes: 1024 * 1024);
        foreach (var evt in events)
            log.Append(evt);
        log.Complete();
        var record = new ExecutionRecord(1, 1, 1, "c1", "ok", 1, null, path, log.Bytes, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
        return ExecutionOutputs.Describe(record, new KernelOptions())["outputs"]!.AsArray();
    }

    private static string Summary(JsonArray outputs) => string.Join(" | ", outputs.Select(output =>
        (string?)output!["output_type"] == "stream" ? $"{output["name"]}:{output["text"]}" : $"html:{output["data"]!["text/html"]}"));

    [Fact]
    public void Clear_output_drops_everything_before_it()
    {
        var outputs = StoredOutputs(Stdout("step 1\n"), Html("<p>plot 1</p>"), Clear(wait: false), Stdout("step 2\n"), Html("<p>plot 2</p>"));
        Assert.Equal("stdout:step 2\n | html:<p>plot 2</p>", Summary(outputs));
    }

    [Fact]
    public void Clear_output_with_wait_clears_only_when_the_next_output_arrives()
    {
        // A live loop: each round waits, then shows its state; the stored copy is the last round.
        var outputs = StoredOutputs(Clear(wait: true), Stdout("round 1\n"), Clear(wait: true), Stdout("round 2\n"), Html("<p>round 2</p>"));
        Assert.Equal("stdout:round 2\n | html:<p>round 2</p>", Summary(outputs));

        // Nothing after the last clear(wait=True): what was there stays, as in Jupyter.
        Assert.Equal("stdout:kept\n", Summary(StoredOutputs(Stdout("kept\n"), Clear(wait: true))));
    }

    [Fact]
    public void Update_display_replaces_the_outputs_with_that_id_and_nothing_else()
    {
        static JsonObject Shown(string html, string? id) => id is null ? Html(html)
            : Execution.Event("display", ("outputType", "display_data"), ("data", new JsonObject { ["text/html"] = html }), ("metadata", new JsonObject()), ("displayId", id));
        var update = Execution.Event("update_display", ("outputType", "display_data"), ("data", new JsonObject { ["text/html"] = "<p>epoch 2</p>" }), ("metadata", new JsonObject()), ("displayId", "bar"));
        var elsewhere = Execution.Event("update_display", ("outputType", "display_data"), ("data", new JsonObject { ["text/html"] = "<p>lost</p>" }), ("metadata", new JsonObject()), ("displayId", "in another cell"));
        var outputs = StoredOutputs(Shown("<p>epoch 1</p>", "bar"), Shown("<p>other</p>", null), Shown("<p>copy</p>", "bar"), update, elsewhere);
        Assert.Equal("html:<p>epoch 2</p> | html:<p>other</p> | html:<p>epoch 2</p>", Summary(outputs));
        Assert.DoesNotContain("displayId", outputs.ToJsonString(), StringComparison.Ordinal); // transient, as in nbformat
    }

    [Fact]
    public void Past_the_output_cap_a_clear_cannot_wipe_the_notice_that_output_stopped()
    {
        var path = Path.Combine(_folder, "capped.log");
        var log = new ExecutionLog(path, maxBytes: 64 * 1024);
        log.Append(Stdout(new string('x', 70 * 1024)));
        log.Append(Stdout("over the cap\n"));
        log.Append(Clear(wait: false));
        log.Append(Execution.Event("done", ("status", "ok")));
        log.Complete();

        var types = File.ReadLines(path).Select(line => (string?)JsonNode.Parse(line[(line.IndexOf('\t') + 1)..])!["type"]).ToList();
        Assert.Equal(["stdout", "stderr", "done"], types);
        var record = new ExecutionRecord(1, 1, 1, "c1", "ok", 1, null, path, log.Bytes, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
        var stored = ExecutionOutputs.Describe(record, new KernelOptions())["outputs"]!.AsArray();
        Assert.Contains("output limit", (string?)stored.Single(o => (string?)o!["name"] == "stderr")!["text"]);
    }
}
