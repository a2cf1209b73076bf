using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Admin;

public sealed class HandOutTests : IAsyncLifetime
{
    private ApplianceServer _server = null!;

    public async Task InitializeAsync() => _server = await ApplianceServer.StartAsync(configure: options => options.NightlyBackupHour = -1);
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static async Task<JsonNode> CreateNotebookAsync(SignedInClient owner, string project, string name, object[] cells)
    {
        var created = await (await owner.Http.PostAsJsonAsync("/api/projects", new { name = project })).ReadJsonAsync();
        var notebook = await owner.Http.PostAsJsonAsync($"/api/projects/{created["id"]}/notebooks", new { name, cells });
        Assert.Equal(HttpStatusCode.Created, notebook.StatusCode);
        return await notebook.ReadJsonAsync();
    }

    private static async Task<JsonArray> NotebooksInProjectAsync(SignedInClient user, string projectName)
    {
        var projects = (await (await user.Http.GetAsync("/api/projects")).ReadJsonAsync()).AsArray();
        var matching = projects.Where(project => (string?)project!["name"] == projectName).ToList();
        Assert.Single(matching);
        return (await (await user.Http.GetAsync($"/api/projects/{matching[0]!["id"]}/notebooks")).ReadJsonAsync()).AsArray();
    }

    [Fact]
    public async Task Hand_out_copies_to_every_student_without_touching_existing_copies()
    {
        using var instructor = await _server.SignUpAsync("teacher");
        using var ada = await _server.SignUpAsync("ada");
        using var bob = await _server.SignUpAsync("bob");
        using var cyd = await _server.SignUpAsync("cyd");
        var lesson = await CreateNotebookAsync(instructor, "Lessons", "Week 1", [
            new { type = "markdown", source = "# Week 1" },
            new { type = "code", source = "print(1)", executionCount = 3, outputs = new object[] { new { output_type = "stream", name = "stdout", text = "1\n" } } },
        ]);

        // First to ada alone; she works on her copy.
        var first = await (await instructor.Http.PostAsJsonAsync("/api/admin/handouts", new { notebookId = lesson["id"], projectName = "Week 1", usernames = new[] { "ada" } })).ReadJsonAsync();
        var adaCopyId = (long)first["copies"]![0]!["notebookId"]!;
        Assert.Equal("copied", (string?)first["copies"]![0]!["status"]);
        var adaCopy = await (await ada.Http.GetAsync($"/api/notebooks/{adaCopyId}")).ReadJsonAsync();
        Assert.Null((int?)adaCopy["cells"]![1]!["executionCount"]);
        Assert.Empty(adaCopy["cells"]![1]!["outputs"]!.AsArray());
        var saved = await ada.Http.PutAsJsonAsync($"/api/notebooks/{adaCopyId}", new
        {
            revision = 1,
            cells = new object[] { new { type = "code", source = "print('my answer')", executionCount = 1, outputs = new object[] { new { output_type = "error", ename = "NameError", evalue = "x", traceback = new[] { "NameError" } } } } },
        });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);

        // Then to every student: bob and cyd get copies, ada keeps hers untouched.
        var response = await instructor.Http.PostAsJsonAsync("/api/admin/handouts", new { notebookId = lesson["id"], projectName = "Week 1" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var second = await response.ReadJsonAsync();
        var statuses = second["copies"]!.AsArray().ToDictionary(copy => (string)copy!["username"]!, copy => (string)copy!["status"]!);
        Assert.Equal(new Dictionary<string, string> { ["ada"] = "kept", ["bob"] = "copied", ["cyd"] = "copied" }, statuses);
        Assert.Equal((long)first["handOutId"]!, (long)second["handOutId"]!);

        var adaNotebooks = await NotebooksInProjectAsync(ada, "Week 1");
        Assert.Single(adaNotebooks);
        var adaNow = await (await ada.Http.GetAsync($"/api/notebooks/{adaCopyId}")).ReadJsonAsync();
        Assert.Equal(2L, (long)adaNow["revision"]!);
        Assert.Equal("print('my answer')", (string?)adaNow["cells"]![0]!["source"]);
        foreach (var student in new[] { bob, cyd })
        {
            var notebooks = await NotebooksInProjectAsync(student, "Week 1");
            Assert.Single(notebooks);
            var copy = await (await student.Http.GetAsync($"/api/notebooks/{notebooks[0]!["id"]}")).ReadJsonAsync();
            Assert.Equal("print(1)", (string?)copy["cells"]![1]!["source"]);
        }
        // The instructor's own notebook is not copied to the instructor, and stays as it was.
        var original = await (await instructor.Http.GetAsync($"/api/notebooks/{lesson["id"]}")).ReadJsonAsync();
        Assert.Equal(1L, (long)original["revision"]!);

        // Progress per student, from the saved copies.
        var progress = await (await instructor.Http.GetAsync($"/api/admin/handouts/{second["handOutId"]}")).ReadJsonAsync();
        var rows = progress["students"]!.AsArray().ToDictionary(row => (string)row!["username"]!);
        Assert.Equal(1, (int)rows["ada"]!["saves"]!);
        Assert.Equal(1, (int)rows["ada"]!["cellsRun"]!);
        Assert.Equal(1, (int)rows["ada"]!["errors"]!);
        Assert.NotNull(rows["ada"]!["lastActivity"]);
        Assert.Equal(0, (int)rows["bob"]!["saves"]!);
        Assert.Null(rows["bob"]!["lastActivity"]);

        // The instructor can read a student's copy (API and page); a student cannot read another's.
        var read = await instructor.Http.GetAsync($"/api/admin/notebooks/{adaCopyId}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var page = await instructor.Http.GetAsync($"/admin/notebooks/{adaCopyId}");
        Assert.Contains("my answer", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.Http.GetAsync($"/api/notebooks/{adaCopyId}")).StatusCode);
    }

    [Fact]
    public async Task A_student_who_deleted_their_copy_gets_a_fresh_one_and_unknown_names_are_refused()
    {
        using var instructor = await _server.SignUpAsync("teacher");
        using var eve = await _server.SignUpAsync("eve");
        var lesson = await CreateNotebookAsync(instructor, "Lessons", "Quiz", [new { type = "code", source = "x = 1" }]);
        var first = await (await instructor.Http.PostAsJsonAsync("/api/admin/handouts", new { notebookId = lesson["id"] })).ReadJsonAsync();
        Assert.Equal("Quiz", (string?)first["projectName"]);
        var copyId = (long)first["copies"]![0]!["notebookId"]!;
        Assert.Equal(HttpStatusCode.NoContent, (await eve.Http.DeleteAsync($"/api/notebooks/{copyId}")).StatusCode);
        var again = await (await instructor.Http.PostAsJsonAsync("/api/admin/handouts", new { notebookId = lesson["id"] })).ReadJsonAsync();
        Assert.Equal("copied", (string?)again["copies"]![0]!["status"]);
        Assert.Single(await NotebooksInProjectAsync(eve, "Quiz"));
        Assert.Equal(HttpStatusCode.OK, (await eve.Http.GetAsync($"/api/notebooks/{again["copies"]![0]!["notebookId"]}")).StatusCode);

        var unknown = await instructor.Http.PostAsJsonAsync("/api/admin/handouts", new { notebookId = lesson["id"], usernames = new[] { "eve", "nobody" } });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("'nobody'", (string?)(await unknown.ReadJsonAsync())["detail"], StringComparison.Ordinal);
        // Only the instructor's own notebooks can be handed out.
        var eveProject = await CreateNotebookAsync(eve, "Eve's", "Private", [new { type = "code", source = "secret = 1" }]);
        Assert.Equal(HttpStatusCode.NotFound, (await instructor.Http.PostAsJsonAsync("/api/admin/handouts", new { notebookId = eveProject["id"] })).StatusCode);
    }

    [Fact]
    public async Task A_hand_outs_project_says_it_comes_from_the_instructor()
    {
        using var instructor = await _server.SignUpAsync("teacher");
        using var ada = await _server.SignUpAsync("ada");
        var lesson = await CreateNotebookAsync(instructor, "Lessons", "Week 4", [new { type = "code", source = "print(4)" }]);
        await (await instructor.Http.PostAsJsonAsync("/api/projects", new { name = "unrelated" })).ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, (await instructor.Http.PostAsJsonAsync("/api/admin/handouts", new { notebookId = lesson["id"], projectName = "Week 4" })).StatusCode);
        await ada.Http.PostAsJsonAsync("/api/projects", new { name = "My own" });

        var projects = (await (await ada.Http.GetAsync("/api/projects")).ReadJsonAsync()).AsArray();
        Assert.Equal("teacher", (string?)projects.Single(project => (string?)project!["name"] == "Week 4")!["handedOutBy"]);
        Assert.Null((string?)projects.Single(project => (string?)project!["name"] == "My own")!["handedOutBy"]);
        var home = await ada.Http.GetStringAsync("/");
        Assert.Contains("from teacher</span>", home, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(home, "data-testid=\"handed-out\""));
        // The instructor's own projects are theirs, not handed out.
        Assert.DoesNotContain("data-testid=\"handed-out\"", await instructor.Http.GetStringAsync("/"), StringComparison.Ordinal);
    }
}

/// <summary>Tutorial hand-outs from the real catalog (built-in tutorials embedded in the binary).</summary>
public sealed class TutorialHandOutTests
{
    [Fact]
    public async Task A_built_in_tutorial_is_handed_out_by_slug_and_becomes_the_students_copy()
    {
        await using var server = await ApplianceServer.StartAsync(configure: options => options.NightlyBackupHour = -1);
        using var instructor = await server.SignUpAsync("teacher");
        using var ada = await server.SignUpAsync("ada");
        var catalog = (await (await ada.Http.GetAsync("/api/tutorials")).ReadJsonAsync()).AsArray();
        var tiny = catalog.Single(entry => (string?)entry!["slug"] == "tiny-gpt-cpu")!;
        Assert.Null(tiny["yourCopy"]);
        // The instructor's own copy of the tutorial is the reference the hand-out must match.
        var opened = await (await instructor.Http.PostAsync("/api/tutorials/tiny-gpt-cpu/open", null)).ReadJsonAsync();
        var original = await (await instructor.Http.GetAsync($"/api/notebooks/{opened["notebookId"]}")).ReadJsonAsync();

        var given = await instructor.Http.PostAsJsonAsync("/api/admin/handouts", new { tutorialSlug = "tiny-gpt-cpu", projectName = "Week 2" });
        Assert.Equal(HttpStatusCode.OK, given.StatusCode);
        var outcome = await given.ReadJsonAsync();
        Assert.Equal((string?)tiny["title"], (string?)outcome["notebookName"]);
        Assert.Equal("copied", (string?)outcome["copies"]![0]!["status"]);
        var copyId = (long)outcome["copies"]![0]!["notebookId"]!;
        var copy = await (await ada.Http.GetAsync($"/api/notebooks/{copyId}")).ReadJsonAsync();
        var originalSources = original["cells"]!.AsArray().Select(cell => (string?)cell!["source"]).ToList();
        Assert.Equal(originalSources, copy["cells"]!.AsArray().Select(cell => (string?)cell!["source"]).ToList());
        Assert.True(originalSources.Count >= (int)tiny["cellCount"]! && originalSources.Count > 3);

        // The catalog now offers the handed-out copy as ada's, and opening the tutorial lands on it.
        var after = (await (await ada.Http.GetAsync("/api/tutorials")).ReadJsonAsync()).AsArray().Single(entry => (string?)entry!["slug"] == "tiny-gpt-cpu")!;
        Assert.Equal(copyId, (long)after["yourCopy"]!["notebookId"]!);
        var reopened = await (await ada.Http.PostAsync("/api/tutorials/tiny-gpt-cpu/open", null)).ReadJsonAsync();
        Assert.Equal(copyId, (long)reopened["notebookId"]!);

        // A second hand-out keeps the copy; unknown slugs and ambiguous requests are refused.
        var again = await (await instructor.Http.PostAsJsonAsync("/api/admin/handouts", new { tutorialSlug = "tiny-gpt-cpu", projectName = "Week 2" })).ReadJsonAsync();
        Assert.Equal("kept", (string?)again["copies"]![0]!["status"]);
        Assert.Equal(HttpStatusCode.NotFound, (await instructor.Http.PostAsJsonAsync("/api/admin/handouts", new { tutorialSlug = "nope" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await instructor.Http.PostAsJsonAsync("/api/admin/handouts", new { tutorialSlug = "tiny-gpt-cpu", notebookId = 1 })).StatusCode);
    }
}
