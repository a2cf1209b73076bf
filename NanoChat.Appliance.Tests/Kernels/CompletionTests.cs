using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace NanoChat.Appliance.Tests.Kernels;

/// <summary>
/// `POST /api/complete`: Tab completion from the notebook's live globals in the student's own worker,
/// with positions in the browser's UTF-16 units; other notebooks' names never show up.
/// </summary>
[Collection(PythonKernelCollection.Name)]
public sealed class CompletionTests
{
    private static Task<JsonObject> CompleteAsync(HttpClient http, long notebookId, string code, int? cursor = null) =>
        KernelSession.AskAtCursorAsync(http, "/api/complete", notebookId, code, cursor);

    private static List<string> Matches(JsonObject answer) => [.. answer["matches"]!.AsArray().Select(match => (string)match!)];

    [Fact]
    public async Task Names_and_attributes_come_from_the_notebooks_own_globals()
    {
        await using var session = await KernelSession.StartAsync();
        var before = await CompleteAsync(session.Http, session.NotebookId, "my_lo");
        Assert.Equal("unavailable", (string?)before["kernel"]); // no worker yet: completing does not start one
        Assert.Empty(Matches(before));

        Assert.Equal("ok", (await session.RunAsync("my_long_variable = 42\nimport os")).Status);

        var name = await CompleteAsync(session.Http, session.NotebookId, "print(1)\nx = my_lo");
        Assert.Equal("ok", (string?)name["kernel"]);
        Assert.Contains("my_long_variable", Matches(name));
        Assert.Equal("print(1)\nx = ".Length, (int)name["cursorStart"]!);
        Assert.Equal("print(1)\nx = my_lo".Length, (int)name["cursorEnd"]!);

        var attribute = await CompleteAsync(session.Http, session.NotebookId, "os.pa");
        Assert.Contains("os.path", Matches(attribute));
        Assert.Equal(0, (int)attribute["cursorStart"]!);

        // In the middle of the text: only what is before the cursor counts.
        var middle = await CompleteAsync(session.Http, session.NotebookId, "my_lo + 1", cursor: 5);
        Assert.Contains("my_long_variable", Matches(middle));

        // After a character outside the BMP the browser's offsets and Python's differ by one.
        var emoji = "s = '😀'; my_lo";
        var shifted = await CompleteAsync(session.Http, session.NotebookId, emoji);
        Assert.Contains("my_long_variable", Matches(shifted));
        Assert.Equal(emoji.IndexOf("my_lo", StringComparison.Ordinal), (int)shifted["cursorStart"]!);

        var other = await KernelSession.CreateNotebookAsync(session.Http, "other");
        Assert.DoesNotContain("my_long_variable", Matches(await CompleteAsync(session.Http, other, "my_lo")));
    }

    [Fact]
    public async Task A_callable_completes_to_its_name_alone_with_the_kind_function()
    {
        await using var session = await KernelSession.StartAsync();
        Assert.Equal("ok", (await session.RunAsync("def train_model(steps):\n    return steps\ntrain_rate = 0.1")).Status);

        var answer = await CompleteAsync(session.Http, session.NotebookId, "train_");
        var matches = Matches(answer);
        var kinds = answer["kinds"]!.AsArray().Select(kind => (string)kind!).ToList();
        Assert.Equal(matches.Count, kinds.Count);
        Assert.Equal("function", kinds[matches.IndexOf("train_model")]);
        Assert.Equal("variable", kinds[matches.IndexOf("train_rate")]);
        Assert.DoesNotContain(matches, match => match.EndsWith('('));
        Assert.Contains("print", Matches(await CompleteAsync(session.Http, session.NotebookId, "pri")));
    }

    [Fact]
    public async Task Bad_requests_and_other_peoples_notebooks_are_refused()
    {
        await using var session = await KernelSession.StartAsync();
        Assert.Equal(HttpStatusCode.BadRequest, (await session.Http.PostAsJsonAsync("/api/complete", new { notebookId = session.NotebookId, code = "ab", cursor = 3 })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await session.Http.PostAsJsonAsync("/api/complete", new { notebookId = session.NotebookId, code = "ab" })).StatusCode);
        using var bob = await session.Server.SignUpAsync("bob");
        Assert.Equal(HttpStatusCode.NotFound, (await bob.Http.PostAsJsonAsync("/api/complete", new { notebookId = session.NotebookId, code = "ab", cursor = 2 })).StatusCode);
    }
}
