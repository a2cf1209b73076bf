using System.Net;
using System.Text.Json.Nodes;
using NanoChat.Appliance.Storage;
using NanoChat.Appliance.Tests.Infrastructure;
using NanoChat.Appliance.Tests.Ipynb;

namespace NanoChat.Appliance.Tests.Tutorials;

/// <summary>The catalog through the real app: list, open (copy), newer versions, instructor uploads, and who may upload.</summary>
public sealed class TutorialCatalogTests : IAsyncLifetime
{
    private ApplianceServer _server = null!;
    private SignedInClient _instructor = null!;
    private SignedInClient _student = null!;

    public async Task InitializeAsync()
    {
        _server = await ApplianceServer.StartAsync();
        _instructor = await _server.SignUpAsync("teacher");
        _student = await _server.SignUpAsync("student");
    }

    public async Task DisposeAsync()
    {
        _instructor.Dispose();
        _student.Dispose();
        await _server.DisposeAsync();
    }

    private static JsonNode Entry(JsonNode catalog, string slug) =>
        catalog.AsArray().Single(entry => entry!["slug"]!.GetValue<string>() == slug)!;

    [Fact]
    public async Task The_catalog_lists_the_built_in_tutorials_with_their_fields()
    {
        var catalog = await (await _student.Http.GetAsync("/api/tutorials")).ReadJsonAsync();
        var cpu = Entry(catalog, "tiny-gpt-cpu");
        Assert.Equal("A tiny GPT from scratch (CPU)", cpu["title"]!.GetValue<string>());
        Assert.Equal("beginner", cpu["level"]!.GetValue<string>());
        Assert.False(cpu["requiresGpu"]!.GetValue<bool>());
        Assert.True(cpu["cellCount"]!.GetValue<int>() >= 20);
        Assert.False(string.IsNullOrWhiteSpace(cpu["summary"]!.GetValue<string>()));
        Assert.Null(cpu["yourCopy"]);
        Assert.Null(cpu["content"]);
        var walkthrough = Entry(catalog, "nanochat-walkthrough");
        Assert.True(walkthrough["requiresGpu"]!.GetValue<bool>());
        Assert.True(walkthrough["cellCount"]!.GetValue<int>() >= 30);
    }

    [Fact]
    public async Task Opening_copies_into_the_Tutorials_project_once_and_fresh_makes_a_new_copy()
    {
        var first = await _student.Http.PostAsync("/api/tutorials/tiny-gpt-cpu/open", null);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var opened = await first.ReadJsonAsync();
        var notebook = await (await _student.Http.GetAsync($"/api/notebooks/{opened["notebookId"]}")).ReadJsonAsync();
        Assert.Contains("def encode", string.Concat(notebook["cells"]!.AsArray().Select(cell => cell!["source"]!.GetValue<string>())), StringComparison.Ordinal);
        var project = await (await _student.Http.GetAsync($"/api/projects/{opened["projectId"]}")).ReadJsonAsync();
        Assert.Equal("Tutorials", project["name"]!.GetValue<string>());

        var again = await _student.Http.PostAsync("/api/tutorials/tiny-gpt-cpu/open", null);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(opened["notebookId"]!.GetValue<long>(), (await again.ReadJsonAsync())["notebookId"]!.GetValue<long>());

        var fresh = await _student.Http.PostAsync("/api/tutorials/tiny-gpt-cpu/open?fresh=true", null);
        Assert.Equal(HttpStatusCode.Created, fresh.StatusCode);
        Assert.NotEqual(opened["notebookId"]!.GetValue<long>(), (await fresh.ReadJsonAsync())["notebookId"]!.GetValue<long>());

        var entry = Entry(await (await _student.Http.GetAsync("/api/tutorials")).ReadJsonAsync(), "tiny-gpt-cpu");
        Assert.NotNull(entry["yourCopy"]);
        Assert.False(entry["newerVersionAvailable"]!.GetValue<bool>());
        Assert.Null(Entry(await (await _instructor.Http.GetAsync("/api/tutorials")).ReadJsonAsync(), "tiny-gpt-cpu")["yourCopy"]);
    }

    [Fact]
    public async Task A_copy_of_an_older_built_in_version_is_kept_and_the_catalog_offers_the_newer_one()
    {
        var opened = await (await _student.Http.PostAsync("/api/tutorials/tiny-gpt-cpu/open", null)).ReadJsonAsync();
        var notebookId = opened["notebookId"]!.GetValue<long>();
        // As if the copy had been made by an older appliance release.
        _server.Services.GetRequiredService<Database>().Write((connection, transaction) =>
            connection.Execute("UPDATE tutorial_copies SET version = 'older-release' WHERE notebook_id = $n", transaction, ("$n", notebookId)));
        var before = (await (await _student.Http.GetAsync($"/api/notebooks/{notebookId}")).ReadJsonAsync()).ToJsonString();

        var entry = Entry(await (await _student.Http.GetAsync("/api/tutorials")).ReadJsonAsync(), "tiny-gpt-cpu");
        Assert.True(entry["newerVersionAvailable"]!.GetValue<bool>());
        Assert.Equal("older-release", entry["yourCopy"]!["version"]!.GetValue<string>());
        var reopened = await _student.Http.PostAsync("/api/tutorials/tiny-gpt-cpu/open", null);
        Assert.Equal(HttpStatusCode.Created, reopened.StatusCode);
        Assert.Equal(before, (await (await _student.Http.GetAsync($"/api/notebooks/{notebookId}")).ReadJsonAsync()).ToJsonString());
        Assert.False(Entry(await (await _student.Http.GetAsync("/api/tutorials")).ReadJsonAsync(), "tiny-gpt-cpu")["newerVersionAvailable"]!.GetValue<bool>());
    }

    [Fact]
    public async Task An_instructor_upload_joins_the_catalog_and_a_reupload_is_a_newer_version()
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(IpynbFixtures.Read("string-sources.ipynb")), "file", "../../../etc/passwd.ipynb" },
            { new StringContent("Week 3: strings"), "title" },
            { new StringContent("Sources as strings."), "summary" },
            { new StringContent("intermediate"), "level" },
        };
        var upload = await _instructor.Http.PostAsync("/api/tutorials", form);
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var tutorial = await upload.ReadJsonAsync();
        Assert.Equal("week-3-strings", tutorial["slug"]!.GetValue<string>());
        Assert.False(File.Exists(Path.Combine(_server.Options.DataDirectory, "passwd")));

        var opened = await (await _student.Http.PostAsync("/api/tutorials/week-3-strings/open", null)).ReadJsonAsync();
        var entry = Entry(await (await _student.Http.GetAsync("/api/tutorials")).ReadJsonAsync(), "week-3-strings");
        Assert.Equal("uploaded", entry["origin"]!.GetValue<string>());
        Assert.Equal("intermediate", entry["level"]!.GetValue<string>());
        Assert.Equal(4, entry["cellCount"]!.GetValue<int>());

        var changed = JsonNode.Parse(IpynbFixtures.Read("string-sources.ipynb"))!;
        changed["cells"]![0]!["source"] = "## Updated for this year";
        var reupload = await _instructor.Http.PostAsync("/api/tutorials?title=Week%203%3A%20strings", IpynbFixtures.RawBody(changed.ToJsonString()));
        Assert.Equal(HttpStatusCode.OK, reupload.StatusCode);
        entry = Entry(await (await _student.Http.GetAsync("/api/tutorials")).ReadJsonAsync(), "week-3-strings");
        Assert.True(entry["newerVersionAvailable"]!.GetValue<bool>());
        var copy = await (await _student.Http.GetAsync($"/api/notebooks/{opened["notebookId"]}")).ReadJsonAsync();
        Assert.StartsWith("## String sources", copy["cells"]![0]!["source"]!.GetValue<string>(), StringComparison.Ordinal);
        var fresh = await (await _student.Http.PostAsync("/api/tutorials/week-3-strings/open?fresh=true", null)).ReadJsonAsync();
        var freshCopy = await (await _student.Http.GetAsync($"/api/notebooks/{fresh["notebookId"]}")).ReadJsonAsync();
        Assert.Equal("## Updated for this year", freshCopy["cells"]![0]!["source"]!.GetValue<string>());
    }

    [Fact]
    public async Task Students_cannot_upload_or_delete_tutorials()
    {
        var upload = await _student.Http.PostAsync("/api/tutorials?title=Mine", IpynbFixtures.RawBody(IpynbFixtures.Read("string-sources.ipynb")));
        Assert.Equal(HttpStatusCode.NotFound, upload.StatusCode);
        var catalog = await (await _student.Http.GetAsync("/api/tutorials")).ReadJsonAsync();
        Assert.DoesNotContain(catalog.AsArray(), entry => entry!["slug"]!.GetValue<string>() == "mine");
        Assert.Equal(HttpStatusCode.NotFound, (await _student.Http.DeleteAsync("/api/tutorials/tiny-gpt-cpu")).StatusCode);
    }

    [Fact]
    public async Task Uploads_that_are_malformed_or_collide_with_a_built_in_are_refused()
    {
        var bad = await _instructor.Http.PostAsync("/api/tutorials?title=Broken", IpynbFixtures.RawBody("{\"nbformat\": 4, \"cells\": 1}"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("cells must be a list", (await bad.ReadJsonAsync())["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var collide = await _instructor.Http.PostAsync("/api/tutorials?title=Tiny%20GPT%20CPU", IpynbFixtures.RawBody(IpynbFixtures.Read("string-sources.ipynb")));
        Assert.Equal(HttpStatusCode.Conflict, collide.StatusCode);
        var badSlug = await _instructor.Http.PostAsync("/api/tutorials?title=X&slug=..%2F..%2Fetc", IpynbFixtures.RawBody(IpynbFixtures.Read("string-sources.ipynb")));
        Assert.Equal(HttpStatusCode.BadRequest, badSlug.StatusCode);
        var badLevel = await _instructor.Http.PostAsync("/api/tutorials?title=X&level=expert", IpynbFixtures.RawBody(IpynbFixtures.Read("string-sources.ipynb")));
        Assert.Equal(HttpStatusCode.BadRequest, badLevel.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await _instructor.Http.DeleteAsync("/api/tutorials/tiny-gpt-cpu")).StatusCode);
    }

    [Fact]
    public async Task Unknown_slugs_and_traversal_attempts_are_not_found()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _student.Http.PostAsync("/api/tutorials/no-such-tutorial/open", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _student.Http.PostAsync("/api/tutorials/..%2F..%2Fappliance.db/open", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _student.Http.PostAsync("/api/tutorials/tiny-gpt-cpu.ipynb/open", null)).StatusCode);
    }

    [Fact]
    public async Task The_tutorials_page_shows_the_catalog_and_the_upload_form_only_to_instructors()
    {
        var studentPage = await (await _student.Http.GetAsync("/tutorials")).Content.ReadAsStringAsync();
        Assert.Contains("A tiny GPT from scratch (CPU)", studentPage, StringComparison.Ordinal);
        Assert.Contains("href=\"/tutorials\"", studentPage, StringComparison.Ordinal);
        Assert.DoesNotContain("/tutorials/upload", studentPage, StringComparison.Ordinal);
        var instructorPage = await (await _instructor.Http.GetAsync("/tutorials")).Content.ReadAsStringAsync();
        Assert.Contains("/tutorials/upload", instructorPage, StringComparison.Ordinal);
    }
}
