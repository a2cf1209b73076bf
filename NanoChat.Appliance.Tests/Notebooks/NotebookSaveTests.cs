using System.Net;
using System.Net.Http.Json;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Notebooks;

public sealed class NotebookSaveTests : IAsyncLifetime
{
    private ApplianceServer _server = null!;
    private SignedInClient _user = null!;
    private long _projectId;

    public async Task InitializeAsync()
    {
        _server = await ApplianceServer.StartAsync();
        _user = await _server.SignUpAsync("nora");
        _projectId = (long)(await (await _user.Http.PostAsJsonAsync("/api/projects", new { name = "Course" })).ReadJsonAsync())["id"]!;
    }

    public async Task DisposeAsync()
    {
        _user.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<long> CreateNotebookAsync(string name = "Lesson 1")
    {
        var created = await _user.Http.PostAsJsonAsync($"/api/projects/{_projectId}/notebooks", new { name });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (long)(await created.ReadJsonAsync())["id"]!;
    }

    [Fact]
    public async Task Save_bumps_the_revision_and_keeps_cells_in_our_shape()
    {
        var id = await CreateNotebookAsync();
        var save = await _user.Http.PutAsJsonAsync($"/api/notebooks/{id}", new
        {
            revision = 1,
            cells = new object[]
            {
                new { id = "a1", type = "markdown", source = "# Title" },
                new { id = "b2", type = "code", source = "print(1)", executionCount = 3, outputs = new object[] { new { output_type = "stream", name = "stdout", text = "1\n" } } },
            },
        });
        Assert.Equal(HttpStatusCode.OK, save.StatusCode);
        var saved = await save.ReadJsonAsync();
        Assert.Equal(2, (long)saved["revision"]!);
        var notebook = await (await _user.Http.GetAsync($"/api/notebooks/{id}")).ReadJsonAsync();
        Assert.Equal(_projectId, (long)notebook["projectId"]!);
        var cells = notebook["cells"]!.AsArray();
        Assert.Equal("markdown", (string?)cells[0]!["type"]);
        Assert.Equal("print(1)", (string?)cells[1]!["source"]);
        Assert.Equal(3, (int)cells[1]!["executionCount"]!);
        Assert.Equal("1\n", (string?)cells[1]!["outputs"]![0]!["text"]);
        var history = await (await _user.Http.GetAsync($"/api/notebooks/{id}/revisions")).ReadJsonAsync();
        Assert.Equal([2L, 1L], history.AsArray().Select(entry => (long)entry!["revision"]!));
    }

    [Fact]
    public async Task Stale_save_returns_409_with_the_current_revision_and_overwrites_nothing()
    {
        var id = await CreateNotebookAsync();
        var first = await _user.Http.PutAsJsonAsync($"/api/notebooks/{id}", new { revision = 1, cells = new[] { new { id = "x", type = "code", source = "tab A" } } });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var stale = await _user.Http.PutAsJsonAsync($"/api/notebooks/{id}", new { revision = 1, cells = new[] { new { id = "x", type = "code", source = "tab B" } } });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal(2, (long)(await stale.ReadJsonAsync())["currentRevision"]!);
        var notebook = await (await _user.Http.GetAsync($"/api/notebooks/{id}")).ReadJsonAsync();
        Assert.Equal("tab A", (string?)notebook["cells"]![0]!["source"]);
        Assert.Equal(2, (long)notebook["revision"]!);
    }

    [Fact]
    public async Task Concurrent_saves_of_one_revision_let_exactly_one_win()
    {
        var id = await CreateNotebookAsync();
        var saves = Enumerable.Range(0, 8).Select(n => _user.Http.PutAsJsonAsync($"/api/notebooks/{id}",
            new { revision = 1, cells = new[] { new { id = "x", type = "code", source = $"writer {n}" } } }));
        var answers = await Task.WhenAll(saves);
        Assert.Single(answers, answer => answer.StatusCode == HttpStatusCode.OK);
        Assert.Equal(7, answers.Count(answer => answer.StatusCode == HttpStatusCode.Conflict));
    }

    [Theory]
    [InlineData("""{"revision":1,"cells":[{"id":"a","type":"python","source":""}]}""", "type 'python'")]
    [InlineData("""{"revision":1,"cells":[{"id":"a","type":"code","source":""},{"id":"a","type":"code","source":""}]}""", "repeats the id")]
    [InlineData("""{"revision":1,"cells":"not a list"}""", "JSON body")]
    [InlineData("""{"revision":"one"}""", "JSON body")]
    [InlineData("""{"cells":[]}""", "revision")]
    [InlineData("""{"revision":1,"name":"   "}""", "needs a name")]
    [InlineData("""{"revision":1,"surprise":true}""", "surprise")]
    public async Task Bad_saves_are_400_and_change_nothing(string body, string expected)
    {
        var id = await CreateNotebookAsync();
        var response = await _user.Http.PutAsync($"/api/notebooks/{id}", Json.Body(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, (string?)(await response.ReadJsonAsync())["detail"], StringComparison.Ordinal);
        var notebook = await (await _user.Http.GetAsync($"/api/notebooks/{id}")).ReadJsonAsync();
        Assert.Equal(1, (long)notebook["revision"]!);
        Assert.Equal("Lesson 1", (string?)notebook["name"]);
    }

    [Fact]
    public async Task Oversize_body_is_413_and_nothing_is_written()
    {
        var id = await CreateNotebookAsync();
        var huge = new string('x', (int)_server.Options.MaxRequestBodyBytes + 1024);
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/notebooks/{id}")
        {
            Content = Json.Body($$"""{"revision":1,"cells":[{"id":"a","type":"code","source":"{{huge}}"}]}"""),
        };
        // Wait for the server's verdict before uploading, as browsers and curl do for big bodies;
        // otherwise the server's early 413 races the upload and the client sees a reset.
        request.Headers.ExpectContinue = true;
        var response = await _user.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger", (string?)(await response.ReadJsonAsync())["detail"], StringComparison.Ordinal);
        Assert.Equal(1, (long)(await (await _user.Http.GetAsync($"/api/notebooks/{id}")).ReadJsonAsync())["revision"]!);
    }

    [Fact]
    public async Task Rename_alone_is_a_save_and_delete_removes_the_notebook()
    {
        var id = await CreateNotebookAsync();
        var renamed = await (await _user.Http.PutAsJsonAsync($"/api/notebooks/{id}", new { revision = 1, name = "Lesson one" })).ReadJsonAsync();
        Assert.Equal("Lesson one", (string?)renamed["name"]);
        Assert.Single(renamed["cells"]!.AsArray());
        Assert.Equal(HttpStatusCode.NoContent, (await _user.Http.DeleteAsync($"/api/notebooks/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _user.Http.GetAsync($"/api/notebooks/{id}")).StatusCode);
    }
}
