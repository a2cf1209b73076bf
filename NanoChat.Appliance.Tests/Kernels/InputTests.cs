using System.Net;
using System.Net.Http.Json;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Kernels;

/// <summary>
/// input() in a cell: the kernel asks (an input_request event), the page answers through
/// `POST /api/executions/{id}/input`, and the cell goes on. Only the owner's running, asking cell
/// takes an answer, once; an interrupt ends the wait.
/// </summary>
[Collection(PythonKernelCollection.Name)]
public sealed class InputTests
{
    private static Task<HttpResponseMessage> AnswerAsync(HttpClient http, long executionId, string value) =>
        http.PostAsJsonAsync($"/api/executions/{executionId}/input", new { value });

    // The latest execution of the notebook once its input() has asked: its log (replayed by the
    // events route) holds the input_request event.
    internal static async Task<long> WaitForQuestionAsync(KernelSession session)
    {
        for (var tries = 0; tries < 300; tries++)
        {
            var latest = (await (await session.Http.GetAsync($"/api/notebooks/{session.NotebookId}/executions")).ReadJsonAsync()).AsArray();
            if (latest.Count > 0 && (string?)latest[0]!["status"] is "queued" or "running")
            {
                var id = (long)latest[0]!["id"]!;
                using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
                try
                {
                    using var response = await session.Http.GetAsync($"/api/executions/{id}/events", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
                    using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
                    while (await reader.ReadLineAsync(cancel.Token) is { } line)
                    {
                        if (line.Contains("\"input_request\"", StringComparison.Ordinal))
                            return id;
                    }
                }
                catch (OperationCanceledException)
                {
                    // Not asked yet: the stream only follows.
                }
            }
            await Task.Delay(50);
        }
        Assert.Fail("the cell never asked for input");
        return 0;
    }

    [Fact]
    public async Task Input_asks_the_page_and_the_answer_goes_on_in_the_same_cell()
    {
        await using var session = await KernelSession.StartAsync();
        var running = session.RunAsync("name = input('Your name? ')\nprint('hello', name)\nname", cellId: "c1");
        var id = await WaitForQuestionAsync(session);

        using (var bob = await session.Server.SignUpAsync("bob"))
            Assert.Equal(HttpStatusCode.NotFound, (await AnswerAsync(bob.Http, id, "Mallory")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await AnswerAsync(session.Http, id, "two\nlines")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await AnswerAsync(session.Http, id, "Ada 🙂")).StatusCode);
        // A second tab answering the same question is too late.
        Assert.Equal(HttpStatusCode.Conflict, (await AnswerAsync(session.Http, id, "Grace")).StatusCode);

        var run = await running;
        Assert.Equal("ok", run.Status);
        Assert.Equal("Your name? Ada 🙂\nhello Ada 🙂\n", run.Stdout);
        Assert.Equal("'Ada 🙂'", run.Result);
        Assert.Equal("Your name? ", (string?)run.Events.Single(e => (string?)e.Data["type"] == "input_request").Data["prompt"]);
        // Every tab following the run learns the question was answered, before the echo arrives.
        var types = run.Events.Select(e => (string)e.Data["type"]!).ToList();
        Assert.Equal(types.IndexOf("input_request") + 1, types.IndexOf("input_reply"));
        Assert.Single(types, type => type == "input_reply");
        // The stored copy reads as in a terminal: the prompt and the answer are in the output.
        var stored = await (await session.Http.GetAsync($"/api/executions/{id}")).ReadJsonAsync();
        Assert.Equal("Your name? Ada 🙂\nhello Ada 🙂\n", (string?)stored["outputs"]![0]!["text"]);
        Assert.Equal(HttpStatusCode.Conflict, (await AnswerAsync(session.Http, id, "late")).StatusCode);
    }

    [Fact]
    public async Task An_interrupt_ends_the_wait_and_the_kernel_keeps_its_state()
    {
        await using var session = await KernelSession.StartAsync();
        await session.RunAsync("kept = 42");
        var running = session.RunAsync("answer = input()");
        var id = await WaitForQuestionAsync(session);
        Assert.Equal("busy", (string?)(await (await session.Http.GetAsync("/api/kernel")).ReadJsonAsync())["state"]);

        await session.Http.PostAsync("/api/kernel/interrupt", null);
        var run = await running;
        Assert.Equal("interrupted", run.Status);
        Assert.Equal("KeyboardInterrupt", (string?)run.Error!["ename"]);
        Assert.Equal(HttpStatusCode.Conflict, (await AnswerAsync(session.Http, id, "too late")).StatusCode);
        Assert.Equal("42", (await session.RunAsync("kept")).Result);

        // Not from a background thread: nobody could answer there.
        var thread = await session.RunAsync("""
            import threading
            errors = []
            def ask():
                try:
                    input()
                except EOFError as error:
                    errors.append(str(error))
            worker = threading.Thread(target=ask); worker.start(); worker.join()
            errors
            """);
        Assert.Contains("only ask while a cell runs", thread.Result, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Getpass_asks_for_a_hidden_answer_that_no_output_or_log_shows()
    {
        await using var session = await KernelSession.StartAsync();
        var run = await session.RunAnsweringAsync("import getpass\ntoken = getpass.getpass('Access token: ')\nlen(token), getpass.getpass.__name__", "s3cret-t0ken");
        Assert.Equal(("ok", "(12, 'read_password')"), (run.Status, run.Result));
        var asked = Assert.Single(run.Events, e => (string?)e.Data["type"] == "input_request").Data;
        Assert.Equal(("Access token: ", true), ((string?)asked["prompt"], (bool)asked["password"]!));
        Assert.Equal("Access token: ········\n", run.Stdout);
        // Nothing the server keeps has it: the replayed log, nor the stored cell.
        var replayed = await (await session.Http.GetAsync($"/api/executions/{run.ExecutionId}/events")).Content.ReadAsStringAsync();
        Assert.Contains("\"password\":true", replayed, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", replayed, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", await (await session.Http.GetAsync($"/api/executions/{run.ExecutionId}")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // input() still asks in the clear.
        var plain = Assert.Single((await session.RunAnsweringAsync("input('Name? ')", "Ada")).Events, e => (string?)e.Data["type"] == "input_request").Data;
        Assert.Null(plain["password"]);
    }
}
