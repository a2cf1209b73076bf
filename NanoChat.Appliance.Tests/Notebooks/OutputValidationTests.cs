using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Notebooks;

/// <summary>
/// Outputs are checked against nbformat's output schema when saved, and outputs already in the
/// database that break it (written before saves were checked) never fail a page that shows them.
/// </summary>
public sealed class OutputValidationTests : IAsyncLifetime
{
    private ApplianceServer _server = null!;

    public async Task InitializeAsync() => _server = await ApplianceServer.StartAsync(configure: options => options.NightlyBackupHour = -1);
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static readonly JsonNode GoodOutput = JsonNode.Parse("""{"output_type":"stream","name":"stdout","text":"fine\n"}""")!;

    /// <summary>Outputs nbformat refuses, as a student's script could save them.</summary>
    public static readonly string[] BadOutputs =
    [
        """5""",
        """null""",
        """{"output_type": 5}""",
        """{"name": "stdout", "text": "no type"}""",
        """{"output_type": "stdout", "text": "x"}""",
        """{"output_type": "stream", "name": "stdout", "text": 7}""",
        """{"output_type": "stream", "name": "stdout", "text": ["a", 1]}""",
        """{"output_type": "stream", "text": "no name"}""",
        """{"output_type": "display_data", "data": "text"}""",
        """{"output_type": "display_data", "data": {"text/plain": 5}}""",
        """{"output_type": "display_data", "data": {"text/plain": {"a": 1}}}""",
        """{"output_type": "display_data", "data": {"image/png": ["iVBOR", null]}}""",
        """{"output_type": "display_data", "data": {"plain": "not a MIME type"}}""",
        """{"output_type": "display_data"}""",
        """{"output_type": "display_data", "data": {}, "metadata": []}""",
        """{"output_type": "execute_result", "execution_count": "3", "data": {"text/plain": "3"}}""",
        """{"output_type": "execute_result", "execution_count": 1.5, "data": {"text/plain": "3"}}""",
        """{"output_type": "execute_result", "execution_count": -1, "data": {"text/plain": "3"}}""",
        """{"output_type": "error", "evalue": "x", "traceback": []}""",
        """{"output_type": "error", "ename": 3, "evalue": "x", "traceback": []}""",
        """{"output_type": "error", "ename": "E", "evalue": "x", "traceback": "Traceback"}""",
        """{"output_type": "error", "ename": "E", "evalue": "x", "traceback": ["ok", 2]}""",
        """{"output_type": "error", "ename": "E", "evalue": "x"}""",
    ];

    private static async Task<long> CreateNotebookAsync(SignedInClient user, JsonArray? outputs = null)
    {
        var project = await (await user.Http.PostAsJsonAsync("/api/projects", new { name = "Outputs" })).ReadJsonAsync();
        var cells = new JsonArray
        {
            new JsonObject { ["type"] = "markdown", ["source"] = "# Notes" },
            new JsonObject { ["type"] = "code", ["source"] = "print('fine')", ["outputs"] = outputs ?? new JsonArray(GoodOutput.DeepClone()) },
        };
        var created = await user.Http.PostAsJsonAsync($"/api/projects/{project["id"]}/notebooks", new JsonObject { ["name"] = "Week 1", ["cells"] = cells });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (long)(await created.ReadJsonAsync())["id"]!;
    }

    private static JsonObject CellsWithSecondOutput(string output) => new()
    {
        ["cells"] = new JsonArray
        {
            new JsonObject { ["type"] = "markdown", ["source"] = "# Notes" },
            new JsonObject { ["type"] = "code", ["source"] = "x", ["outputs"] = new JsonArray(GoodOutput.DeepClone(), JsonNode.Parse(output)) },
        },
    };

    [Fact]
    public async Task Saves_with_outputs_nbformat_refuses_get_400_naming_the_cell_and_output()
    {
        using var sam = await _server.SignUpAsync("sam");
        var id = await CreateNotebookAsync(sam);
        var wrong = new List<string>();
        foreach (var output in BadOutputs)
        {
            var save = CellsWithSecondOutput(output);
            save["revision"] = 1;
            var response = await sam.Http.PutAsJsonAsync($"/api/notebooks/{id}", save);
            var detail = response.StatusCode == HttpStatusCode.BadRequest ? (string?)(await response.ReadJsonAsync())["detail"] : null;
            if (detail is null || !detail.Contains("Cell 1, output 1", StringComparison.Ordinal))
                wrong.Add($"PUT {output}: {(int)response.StatusCode} {detail}");

            var project = (await (await sam.Http.GetAsync("/api/projects")).ReadJsonAsync())[0]!["id"];
            save.Remove("revision");
            save["name"] = "Bad";
            var create = await sam.Http.PostAsJsonAsync($"/api/projects/{project}/notebooks", save);
            if (create.StatusCode != HttpStatusCode.BadRequest)
                wrong.Add($"POST {output}: {(int)create.StatusCode}");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));

        // Nothing was written, and every nbformat output shape still saves.
        Assert.Equal(1, (int)(await (await sam.Http.GetAsync($"/api/notebooks/{id}")).ReadJsonAsync())["revision"]!);
        var good = new JsonArray(
            JsonNode.Parse("""{"output_type":"stream","name":"stderr","text":["a\n","b"]}"""),
            JsonNode.Parse("""{"output_type":"display_data","data":{"text/plain":["x"],"image/png":"iVBOR","application/json":{"a":[1,null]},"application/vnd.custom+json":[1,2]},"metadata":{}}"""),
            JsonNode.Parse("""{"output_type":"execute_result","execution_count":null,"data":{"text/plain":"1"},"metadata":{}}"""),
            JsonNode.Parse("""{"output_type":"execute_result","execution_count":4,"data":{"text/html":"<b>1</b>"}}"""),
            JsonNode.Parse("""{"output_type":"error","ename":"ValueError","evalue":"bad","traceback":["line 1","line 2"]}"""));
        var ok = await sam.Http.PutAsJsonAsync($"/api/notebooks/{id}", new JsonObject
        {
            ["revision"] = 1,
            ["cells"] = new JsonArray(new JsonObject { ["type"] = "code", ["source"] = "x", ["outputs"] = good }),
        });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Pages_and_exports_show_outputs_stored_before_saves_were_checked_as_a_note()
    {
        using var teacher = await _server.SignUpAsync("teacher");
        using var sam = await _server.SignUpAsync("sam");
        using var ada = await _server.SignUpAsync("ada");
        var lessonId = await CreateNotebookAsync(teacher);
        var handOut = await (await teacher.Http.PostAsJsonAsync("/api/admin/handouts", new { notebookId = lessonId, projectName = "Week 1", usernames = new[] { "sam" }, keepOutputs = true })).ReadJsonAsync();
        var copyId = (long)handOut["copies"]![0]!["notebookId"]!;

        // Rows as an older appliance could have left them: every bad output at once, outputs that are no
        // list at all, an execution count that is no number; in the notebook and its history.
        var cells = $$"""
            [{"id":"m1","type":"markdown","source":"# Notes"},
             {"id":"c1","type":"code","source":"print('fine')","outputs":[{{GoodOutput.ToJsonString()}}, {{string.Join(",", BadOutputs)}}],"executionCount":2},
             {"id":"c2","type":"code","source":"x","outputs":{"output_type":"stream"},"executionCount":"seven"},
             {"id":"c3","type":"code","source":"y","outputs":5}]
            """;
        await using (var database = new SqliteConnection($"Data Source={_server.Options.DatabasePath};Pooling=False"))
        {
            await database.OpenAsync();
            await using var update = database.CreateCommand();
            update.CommandText = "UPDATE notebooks SET cells = $c WHERE id IN ($a, $b); UPDATE notebook_revisions SET cells = $c WHERE notebook_id IN ($a, $b)";
            update.Parameters.AddWithValue("$c", cells);
            update.Parameters.AddWithValue("$a", lessonId);
            update.Parameters.AddWithValue("$b", copyId);
            Assert.Equal(4, await update.ExecuteNonQueryAsync());
        }
        const string note = "This output could not be shown";

        async Task<string> Answer(SignedInClient user, string path)
        {
            var response = await user.Http.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body[..Math.Min(300, body.Length)]}");
            return body;
        }

        // The student's notebook page, its data, history and download.
        await Answer(sam, $"/notebooks/{copyId}");
        var api = JsonNode.Parse(await Answer(sam, $"/api/notebooks/{copyId}"))!;
        var outputs = api["cells"]![1]!["outputs"]!.AsArray();
        Assert.Equal(1 + BadOutputs.Length, outputs.Count);
        Assert.Equal("fine\n", (string?)outputs[0]!["text"]);
        Assert.All(outputs.Skip(1), output => Assert.StartsWith(note, (string?)output!["text"], StringComparison.Ordinal));
        Assert.Contains(note, api["cells"]![2]!["outputs"]![0]!["text"]!.ToString(), StringComparison.Ordinal);
        Assert.Null(api["cells"]![2]!["executionCount"]);
        Assert.Contains(note, api["cells"]![3]!["outputs"]![0]!["text"]!.ToString(), StringComparison.Ordinal);
        Assert.Contains(note, await Answer(sam, $"/api/notebooks/{copyId}/revisions/1"), StringComparison.Ordinal);
        Assert.Contains(note, await Answer(sam, $"/api/notebooks/{copyId}/ipynb"), StringComparison.Ordinal);
        await Answer(sam, $"/api/projects/{api["projectId"]}/notebooks");

        // What the page got back saves again as it is: the student is not stuck with 400s.
        var resave = await sam.Http.PutAsJsonAsync($"/api/notebooks/{copyId}", new JsonObject { ["revision"] = api["revision"]!.DeepClone(), ["cells"] = api["cells"]!.DeepClone() });
        Assert.Equal(HttpStatusCode.OK, resave.StatusCode);

        // The instructor's views of the lesson and of the student's copy, the progress, and a new hand-out.
        Assert.Contains(note, await Answer(teacher, $"/admin/notebooks/{copyId}"), StringComparison.Ordinal);
        await Answer(teacher, $"/api/admin/notebooks/{copyId}");
        await Answer(teacher, $"/admin/handouts/{handOut["handOutId"]}");
        await Answer(teacher, $"/api/admin/handouts/{handOut["handOutId"]}");
        await Answer(teacher, $"/notebooks/{lessonId}");
        Assert.Contains(note, await Answer(teacher, $"/api/notebooks/{lessonId}/ipynb"), StringComparison.Ordinal);
        var again = await teacher.Http.PostAsJsonAsync("/api/admin/handouts", new { notebookId = lessonId, projectName = "Week 1", usernames = new[] { "ada" }, keepOutputs = true });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var adaCopyId = (long)(await again.ReadJsonAsync())["copies"]![0]!["notebookId"]!;
        Assert.Contains(note, await Answer(ada, $"/api/notebooks/{adaCopyId}"), StringComparison.Ordinal);
    }
}
