using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using NanoChat.Appliance.Hosting;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Kernels;

/// <summary>Tests that start real workers with real CPython: one at a time (2-core box), in their own collection.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PythonKernelCollection
{
    public const string Name = "Python kernels";
}

/// <summary>
/// A signed-in student with a notebook on a real appliance, and helpers that run cells through the
/// real HTTP API and read the SSE answer. Uses Debian's python3 (numpy, torch, matplotlib from apt).
/// </summary>
public sealed class KernelSession : IAsyncDisposable
{
    public const string DebianPython = "/usr/bin/python3";

    private KernelSession(ApplianceServer server, SignedInClient student, long notebookId)
    {
        Server = server;
        Student = student;
        NotebookId = notebookId;
    }

    public ApplianceServer Server { get; }
    public SignedInClient Student { get; }
    public long NotebookId { get; }
    public HttpClient Http => Student.Http;

    public static async Task<KernelSession> StartAsync(Action<ApplianceOptions>? configure = null, string username = "teacher")
    {
        var server = await ApplianceServer.StartAsync(configure: options =>
        {
            options.PythonPath = DebianPython;
            configure?.Invoke(options);
        });
        var student = await server.SignUpAsync(username);
        return new KernelSession(server, student, await CreateNotebookAsync(student.Http));
    }

    public static async Task<long> CreateNotebookAsync(HttpClient http, string name = "kernel test")
    {
        var project = await (await http.PostAsJsonAsync("/api/projects", new { name })).ReadJsonAsync();
        var notebook = await (await http.PostAsJsonAsync($"/api/projects/{project["id"]}/notebooks", new { name })).ReadJsonAsync();
        return (long)notebook["id"]!;
    }

    /// <summary>POSTs {notebookId, code, cursor} (cursor: the end of the code unless given) to /api/complete or /api/inspect; answers the JSON body of a 200.</summary>
    public static async Task<JsonObject> AskAtCursorAsync(HttpClient http, string path, long notebookId, string code, int? cursor = null)
    {
        var response = await http.PostAsJsonAsync(path, new { notebookId, code, cursor = cursor ?? code.Length });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync()).AsObject();
    }

    public Task<CellRun> RunAsync(string code, long? notebookId = null, string? cellId = null, HttpClient? http = null) =>
        RunAsync(http ?? Http, notebookId ?? NotebookId, code, cellId);

    public static Task<CellRun> RunAsync(HttpClient http, long notebookId, string code, string? cellId = null) =>
        PostEventsAsync(http, "/api/execute/stream", new { notebookId, cellId, code });

    /// <summary>
    /// POSTs to a route that answers with an execution's event stream (a cell, a widget change) and
    /// reads it to the end; onEvent sees each event as it arrives.
    /// </summary>
    public static async Task<CellRun> PostEventsAsync(HttpClient http, string path, object body, Func<JsonObject, Task>? onEvent = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        // The body is read for the message only on failure: read eagerly, it would wait for the whole
        // stream, which a cell asking for input never ends.
        if (!response.IsSuccessStatusCode)
            Assert.Fail($"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new CellRun(await ReadEventsAsync(await response.Content.ReadAsStreamAsync(), onEvent: onEvent));
    }

    /// <summary>
    /// Runs a cell that asks questions (input(), the debugger's prompt) and answers each
    /// input_request with the next answer, as the page's field would; fails if one is left over.
    /// </summary>
    public async Task<CellRun> RunAnsweringAsync(string code, params string[] answers)
    {
        var pending = new Queue<string>(answers);
        long executionId = 0;
        var run = await PostEventsAsync(Http, "/api/execute/stream", new { notebookId = NotebookId, code }, async data =>
        {
            if ((string?)data["type"] == "execution")
                executionId = (long)data["executionId"]!;
            if ((string?)data["type"] == "input_request")
            {
                Assert.True(pending.Count > 0, $"asked '{data["prompt"]}' with no answer left");
                using var answered = await Http.PostAsJsonAsync($"/api/executions/{executionId}/input", new { value = pending.Dequeue() });
                Assert.Equal(HttpStatusCode.NoContent, answered.StatusCode);
            }
        });
        Assert.Empty(pending);
        return run;
    }

    /// <summary>Parses `id:`/`data:` blocks until the stream ends; onEvent sees each as it arrives.</summary>
    public static async Task<List<(long Id, JsonObject Data)>> ReadEventsAsync(Stream stream, int? stopAfter = null, Func<JsonObject, Task>? onEvent = null)
    {
        var events = new List<(long, JsonObject)>();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        long id = 0;
        string? line;
        while ((line = await reader.ReadLineAsync()) is not null)
        {
            if (line.StartsWith("id: ", StringComparison.Ordinal))
                id = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add((id, JsonNode.Parse(line[6..])!.AsObject()));
                if (onEvent is not null)
                    await onEvent(events[^1].Item2);
                if (stopAfter is { } count && events.Count >= count)
                    break;
            }
        }
        return events;
    }

    public async ValueTask DisposeAsync()
    {
        Student.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>The events of one execution and the obvious questions about them.</summary>
public sealed record CellRun(List<(long Id, JsonObject Data)> Events)
{
    public long ExecutionId => (long)Events.First(e => (string?)e.Data["type"] == "execution").Data["executionId"]!;
    public JsonObject Done => Events.Last(e => (string?)e.Data["type"] == "done").Data;
    public string Status => (string)Done["status"]!;
    public string Stdout => string.Concat(Events.Where(e => (string?)e.Data["type"] == "stdout").Select(e => (string?)e.Data["text"]));
    public string Stderr => string.Concat(Events.Where(e => (string?)e.Data["type"] == "stderr").Select(e => (string?)e.Data["text"]));
    public IEnumerable<JsonObject> Displays => Events.Where(e => (string?)e.Data["type"] == "display").Select(e => e.Data);
    public JsonObject? Error => Events.Where(e => (string?)e.Data["type"] == "error").Select(e => e.Data).FirstOrDefault();
    public string? Result => Displays.Where(d => (string?)d["outputType"] == "execute_result").Select(d => (string?)d["data"]?["text/plain"]).FirstOrDefault();

    public override string ToString() => string.Join("\n", Events.Select(e => $"{e.Id}: {Truncate(e.Data.ToJsonString())}"));

    private static string Truncate(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
