using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Kernels;

/// <summary>
/// `POST /api/inspect`: Shift+Tab help (signature, type, value, docstring) for the name at the cursor
/// or the call the cursor is in, from the notebook's live globals in the student's own worker.
/// </summary>
[Collection(PythonKernelCollection.Name)]
public sealed class InspectionTests
{
    private const string Definitions = """
        def train(steps: int, lr=0.1):
            '''Trains the tiny model for `steps` steps.'''
            return steps

        class Probe:
            called = False
            def method(self):
                Probe.called = True

        def huge(defaults=[0] * 100_000):
            pass

        counter = 7
        probe = Probe()
        """;

    private static Task<JsonObject> InspectAsync(HttpClient http, long notebookId, string code, int? cursor = null) =>
        KernelSession.AskAtCursorAsync(http, "/api/inspect", notebookId, code, cursor);

    // The kernel says busy once the cell is on its way to the worker; a moment more and it runs.
    private static async Task WaitUntilBusyAsync(HttpClient http)
    {
        for (var tries = 0; tries < 200; tries++)
        {
            var status = (await (await http.GetAsync("/api/kernel")).ReadJsonAsync()).AsObject();
            if ((string?)status["state"] == "busy")
            {
                await Task.Delay(300);
                return;
            }
            await Task.Delay(50);
        }
        Assert.Fail("the cell never started");
    }

    private static string Text(JsonObject answer)
    {
        Assert.True((bool)answer["found"]!, $"no help found: {answer.ToJsonString()}");
        return (string)answer["text"]!;
    }

    [Fact]
    public async Task Help_shows_the_signature_and_docstring_of_the_call_or_name_at_the_cursor()
    {
        await using var session = await KernelSession.StartAsync();
        var before = await InspectAsync(session.Http, session.NotebookId, "len(");
        Assert.Equal("unavailable", (string?)before["kernel"]); // no worker yet: asking does not start one
        Assert.False((bool)before["found"]!);

        Assert.Equal("ok", (await session.RunAsync(Definitions)).Status);

        var call = Text(await InspectAsync(session.Http, session.NotebookId, "train("));
        Assert.Contains("Signature: train(steps: int, lr=0.1)", call, StringComparison.Ordinal);
        Assert.Contains("Trains the tiny model for `steps` steps.", call, StringComparison.Ordinal);
        // Inside nested brackets of the call, and after a character outside the BMP (offsets differ).
        Assert.Contains("Signature: train(", Text(await InspectAsync(session.Http, session.NotebookId, "s = '😀'; train([1, (2, ")), StringComparison.Ordinal);

        var value = Text(await InspectAsync(session.Http, session.NotebookId, "print(counter + 1)", cursor: "print(coun".Length));
        Assert.Contains("Type: int", value, StringComparison.Ordinal);
        Assert.Contains("Value: 7", value, StringComparison.Ordinal);
        Assert.DoesNotContain("Docstring", value, StringComparison.Ordinal); // not int's manual for a plain number

        Assert.Contains("Signature: len(obj, /)", Text(await InspectAsync(session.Http, session.NotebookId, "len(")), StringComparison.Ordinal);

        // Looking up `probe.method` never calls it.
        Assert.Contains("Signature: probe.method()", Text(await InspectAsync(session.Http, session.NotebookId, "probe.method(")), StringComparison.Ordinal);
        Assert.Equal("False\n", (await session.RunAsync("print(Probe.called)")).Stdout);

        // A signature with a huge default is cut, not sent whole.
        var huge = Text(await InspectAsync(session.Http, session.NotebookId, "huge("));
        Assert.StartsWith("Signature: huge(defaults=[0, 0", huge, StringComparison.Ordinal);
        Assert.InRange(huge.Length, 1000, 12_100);

        var unknown = await InspectAsync(session.Http, session.NotebookId, "no_such_name(");
        Assert.Equal("ok", (string?)unknown["kernel"]);
        Assert.False((bool)unknown["found"]!);
        Assert.False((bool)(await InspectAsync(session.Http, session.NotebookId, "   "))["found"]!);

        var other = await KernelSession.CreateNotebookAsync(session.Http, "other");
        Assert.False((bool)(await InspectAsync(session.Http, other, "train("))["found"]!);
    }

    [Fact]
    public async Task Help_answers_while_a_cell_sleeps_says_busy_while_a_cell_holds_the_kernel_and_refuses_bad_requests()
    {
        await using var session = await KernelSession.StartAsync();
        Assert.Equal("ok", (await session.RunAsync(Definitions)).Status);
        var sleeping = session.RunAsync("import time\ntime.sleep(4)");
        await WaitUntilBusyAsync(session.Http);
        var help = await InspectAsync(session.Http, session.NotebookId, "train(");
        Assert.False(sleeping.IsCompleted, "the cell finished before help was asked; the test proves nothing");
        Assert.Contains("Signature: train(", Text(help), StringComparison.Ordinal);
        Assert.Equal("ok", (await sleeping).Status);

        // A cell that keeps the interpreter (here: a switch interval longer than the cell, as a long
        // import or native call does) cannot answer within the 2 s cap: "busy", not "not running".
        var holding = session.RunAsync("import sys, time\nsys.setswitchinterval(30)\nend = time.time() + 7\nwhile time.time() < end:\n    pass\nsys.setswitchinterval(0.005)");
        await WaitUntilBusyAsync(session.Http);
        var busy = await InspectAsync(session.Http, session.NotebookId, "train(");
        Assert.False(holding.IsCompleted, "the cell finished before help was asked; the test proves nothing");
        Assert.Equal("busy", (string?)busy["kernel"]);
        Assert.False((bool)busy["found"]!);
        var completing = await session.Http.PostAsJsonAsync("/api/complete", new { notebookId = session.NotebookId, code = "tra", cursor = 3 });
        Assert.Equal("busy", (string?)(await completing.ReadJsonAsync())["kernel"]); // completion says so too
        Assert.False(holding.IsCompleted, "the cell finished before completion was asked");
        Assert.Equal("ok", (await holding).Status);
        Assert.Contains("Signature: train(", Text(await InspectAsync(session.Http, session.NotebookId, "train(")), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.BadRequest, (await session.Http.PostAsJsonAsync("/api/inspect", new { notebookId = session.NotebookId, code = "ab", cursor = 3 })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await session.Http.PostAsJsonAsync("/api/inspect", new { code = "ab", cursor = 1 })).StatusCode);
        using var bob = await session.Server.SignUpAsync("bob");
        Assert.Equal(HttpStatusCode.NotFound, (await bob.Http.PostAsJsonAsync("/api/inspect", new { notebookId = session.NotebookId, code = "ab", cursor = 2 })).StatusCode);
    }
}
