using System.Net;
using System.Net.Http.Json;
using System.Text;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Ipynb;

/// <summary>Malformed, oversize or hostile uploads are refused with a sentence naming the problem, and nothing is created.</summary>
public sealed class IpynbRefusalTests : IAsyncLifetime
{
    private ApplianceServer _server = null!;
    private SignedInClient _user = null!;
    private long _projectId;

    public async Task InitializeAsync()
    {
        _server = await ApplianceServer.StartAsync();
        _user = await _server.SignUpAsync("bob");
        _projectId = (await (await _user.Http.PostAsJsonAsync("/api/projects", new { name = "Uploads" })).ReadJsonAsync())["id"]!.GetValue<long>();
    }

    public async Task DisposeAsync()
    {
        _user.Dispose();
        await _server.DisposeAsync();
    }

    private const string Cell = """{"cell_type": "code", "metadata": {}, "source": "x", "execution_count": null, "outputs": []}""";

    private static string Notebook(string cells) => $$"""{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{{cells}}]}""";

    public static TheoryData<string, string> Malformed => new()
    {
        { "{\"nbformat\": 4, \"cells\": [", "not valid JSON" },
        { "<html>not a notebook</html>", "not valid JSON" },
        { "[1, 2, 3]", "not a notebook" },
        { "{\"cells\": []}", "no 'nbformat'" },
        { "{\"nbformat\": \"4\", \"cells\": []}", "'nbformat' must be a whole number" },
        { "{\"nbformat\": 5, \"nbformat_minor\": 0, \"cells\": []}", "nbformat 5 is not supported" },
        { "{\"nbformat\": 2, \"cells\": []}", "nbformat 2 is not supported" },
        { "{\"nbformat\": 4, \"nbformat_minor\": 5, \"metadata\": {}}", "no 'cells' list" },
        { "{\"nbformat\": 4, \"nbformat_minor\": 5, \"metadata\": {}, \"cells\": \"x\"}", "cells must be a list" },
        { "{\"nbformat\": 4, \"nbformat_minor\": 5, \"metadata\": [], \"cells\": []}", "notebook.metadata must be an object" },
        { Notebook("42"), "cells[0] must be an object" },
        { Notebook("""{"cell_type": "heading", "source": "x"}"""), "cells[0].cell_type is 'heading'" },
        { Notebook("""{"cell_type": "markdown", "metadata": {}}"""), "cells[0] has no 'source'" },
        { Notebook(Cell + """,{"cell_type": "code", "source": 12, "outputs": []}"""), "cells[1].source must be a string or a list of strings" },
        { Notebook("""{"cell_type": "code", "source": ["a", 3], "outputs": []}"""), "cells[0].source[1] must be a string" },
        { Notebook("""{"cell_type": "code", "source": "", "outputs": {}}"""), "cells[0].outputs must be a list" },
        { Notebook("""{"cell_type": "code", "source": "", "execution_count": "1", "outputs": []}"""), "cells[0].execution_count must be a whole number" },
        { Notebook("""{"cell_type": "code", "id": 7, "source": "", "outputs": []}"""), "cells[0].id must be a string" },
        { Notebook("""{"cell_type": "code", "source": "", "outputs": [{"output_type": "pyout"}]}"""), "cells[0].outputs[0].output_type is 'pyout'" },
        { Notebook("""{"cell_type": "code", "source": "", "outputs": [{"output_type": "stream", "name": "stdout", "text": 5}]}"""), "cells[0].outputs[0].text must be a string or a list" },
        { Notebook("""{"cell_type": "code", "source": "", "outputs": [{"output_type": "display_data", "metadata": {}}]}"""), "cells[0].outputs[0].data is missing" },
        { Notebook("""{"cell_type": "code", "source": "", "outputs": [{"output_type": "display_data", "data": {"png": "x"}}]}"""), "not a MIME type" },
        { Notebook("""{"cell_type": "code", "source": "", "outputs": [{"output_type": "error", "ename": "E", "evalue": "v", "traceback": [1]}]}"""), "cells[0].outputs[0].traceback[0] must be a string" },
        { Notebook("""{"cell_type": "markdown", "source": "", "attachments": {"a.png": "iVBOR"}}"""), "cells[0].attachments[\"a.png\"] must be an object" },
        { "{\"nbformat\": 3, \"nbformat_minor\": 0, \"metadata\": {}}", "no 'worksheets' list" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Malformed_notebooks_are_refused_with_a_message_naming_the_problem(string body, string expected)
    {
        var response = await _user.Http.PostAsync($"/api/projects/{_projectId}/ipynb", IpynbFixtures.RawBody(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadJsonAsync();
        Assert.Contains(expected, problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await AssertNothingCreatedAsync();
    }

    [Fact]
    public async Task Deeply_nested_json_is_refused_as_such()
    {
        var deep = new string('[', 500) + new string(']', 500);
        var body = Notebook($$"""{"cell_type": "code", "source": "", "metadata": {"x": {{deep}}}, "outputs": []}""");
        var response = await _user.Http.PostAsync($"/api/projects/{_projectId}/ipynb", IpynbFixtures.RawBody(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("nested more than 64 levels", (await response.ReadJsonAsync())["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await AssertNothingCreatedAsync();
    }

    [Fact]
    public async Task Too_large_uploads_get_413_raw_or_multipart()
    {
        var huge = Notebook($$"""{"cell_type": "code", "source": "{{new string('x', 17 * 1024 * 1024)}}", "outputs": []}""");
        var raw = await _user.Http.PostAsync($"/api/projects/{_projectId}/ipynb", IpynbFixtures.RawBody(huge));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, raw.StatusCode);
        Assert.Contains("larger than 16 MiB", (await raw.ReadJsonAsync())["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        using var form = new MultipartFormDataContent { { new StringContent(huge), "file", "big.ipynb" } };
        var multipart = await _user.Http.PostAsync($"/api/projects/{_projectId}/ipynb", form);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, multipart.StatusCode);
        await AssertNothingCreatedAsync();
    }

    [Fact]
    public async Task A_form_without_a_file_field_is_refused()
    {
        using var form = new MultipartFormDataContent { { new StringContent(Notebook(Cell)), "notebook", "a.ipynb" } };
        var response = await _user.Http.PostAsync($"/api/projects/{_projectId}/ipynb", form);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("no field 'file'", (await response.ReadJsonAsync())["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../../../../etc/passwd")]
    [InlineData("..\\..\\windows\\win.ini")]
    [InlineData("/tmp/evil")]
    [InlineData("notes/../../appliance.db")]
    public async Task Traversal_attempts_in_names_stay_display_names_and_touch_no_files(string name)
    {
        var filesBefore = FilesUnder(_server.Options.DataDirectory);
        var response = await _user.Http.PostAsync($"/api/projects/{_projectId}/ipynb?name={Uri.EscapeDataString(name)}", IpynbFixtures.RawBody(Notebook(Cell)));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var notebook = await response.ReadJsonAsync();
        Assert.Equal(name, notebook["name"]!.GetValue<string>());
        Assert.Equal(filesBefore, FilesUnder(_server.Options.DataDirectory));

        var export = await _user.Http.GetAsync($"/api/notebooks/{notebook["id"]}/ipynb");
        var downloadName = export.Content.Headers.ContentDisposition!.FileNameStar ?? export.Content.Headers.ContentDisposition.FileName!;
        Assert.DoesNotContain('/', downloadName);
        Assert.DoesNotContain('\\', downloadName);
        Assert.EndsWith(".ipynb", downloadName.Trim('"'), StringComparison.Ordinal);

        using var form = new MultipartFormDataContent { { new StringContent(Notebook(Cell)), "file", name + ".ipynb" } };
        var multipart = await _user.Http.PostAsync($"/api/projects/{_projectId}/ipynb", form);
        Assert.Equal(HttpStatusCode.Created, multipart.StatusCode);
        var fromFile = (await multipart.ReadJsonAsync())["name"]!.GetValue<string>();
        Assert.DoesNotContain('/', fromFile);
        Assert.DoesNotContain('\\', fromFile);
        Assert.Equal(filesBefore, FilesUnder(_server.Options.DataDirectory));
    }

    [Fact]
    public async Task Another_users_project_and_notebook_are_not_found()
    {
        var mine = await _user.Http.PostAsync($"/api/projects/{_projectId}/ipynb", IpynbFixtures.RawBody(Notebook(Cell)));
        var notebookId = (await mine.ReadJsonAsync())["id"]!.GetValue<long>();
        using var other = await _server.SignUpAsync("mallory");
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.PostAsync($"/api/projects/{_projectId}/ipynb", IpynbFixtures.RawBody(Notebook(Cell)))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync($"/api/notebooks/{notebookId}/ipynb")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _server.Client().GetAsync($"/api/notebooks/{notebookId}/ipynb")).StatusCode);
    }

    private async Task AssertNothingCreatedAsync()
    {
        var list = await (await _user.Http.GetAsync($"/api/projects/{_projectId}/notebooks")).ReadJsonAsync();
        Assert.Empty(list.AsArray());
    }

    private static string FilesUnder(string folder) => string.Join('\n',
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(folder, path))
            .Where(path => !path.StartsWith("appliance.db", StringComparison.Ordinal) && !path.StartsWith("keys", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)) + Encoding.UTF8.GetString([]);
}
