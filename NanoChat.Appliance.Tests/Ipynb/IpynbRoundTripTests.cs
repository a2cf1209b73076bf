using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Ipynb;

/// <summary>Import then export through the real app keeps what Jupyter shows, and the file is valid nbformat 4.5.</summary>
public sealed partial class IpynbRoundTripTests : IAsyncLifetime
{
    private ApplianceServer _server = null!;
    private SignedInClient _user = null!;
    private long _projectId;

    public async Task InitializeAsync()
    {
        _server = await ApplianceServer.StartAsync();
        _user = await _server.SignUpAsync("ada");
        _projectId = (await (await _user.Http.PostAsJsonAsync("/api/projects", new { name = "Course" })).ReadJsonAsync())["id"]!.GetValue<long>();
    }

    public async Task DisposeAsync()
    {
        _user.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<JsonNode> ImportAsync(string json, string query = "")
    {
        var response = await _user.Http.PostAsync($"/api/projects/{_projectId}/ipynb{query}", IpynbFixtures.RawBody(json));
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.ReadJsonAsync();
    }

    private async Task<(JsonNode Notebook, string Text, HttpResponseMessage Response)> ExportAsync(long notebookId)
    {
        var response = await _user.Http.GetAsync($"/api/notebooks/{notebookId}/ipynb");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ipynb+json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        return (JsonNode.Parse(text)!, text, response);
    }

    [Theory]
    [InlineData("course-lecture.ipynb")]
    [InlineData("string-sources.ipynb")]
    public async Task Import_then_export_keeps_cells_outputs_counts_attachments_and_metadata(string fixture)
    {
        var original = IpynbFixtures.Read(fixture);
        var imported = await ImportAsync(original);
        var (exported, _, _) = await ExportAsync(imported["id"]!.GetValue<long>());

        var expected = IpynbFixtures.Comparable(JsonNode.Parse(original)!);
        var actual = IpynbFixtures.Comparable(exported);
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected\n{expected.ToJsonString()}\nactual\n{actual.ToJsonString()}");
        Assert.Equal(4, exported["nbformat"]!.GetValue<int>());
        Assert.Equal(5, exported["nbformat_minor"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_file_may_be_sent_as_plain_application_json_but_not_as_text()
    {
        var json = IpynbFixtures.Read("course-lecture.ipynb");
        var asJson = await _user.Http.PostAsync($"/api/projects/{_projectId}/ipynb", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, asJson.StatusCode);
        var asText = await _user.Http.PostAsync($"/api/projects/{_projectId}/ipynb", new StringContent(json, System.Text.Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, asText.StatusCode);
        Assert.Contains("does not take a body of that Content-Type", (string?)(await asText.ReadJsonAsync())["detail"]);
    }

    [Fact]
    public async Task Every_output_type_and_mime_kind_survives_the_round_trip()
    {
        var imported = await ImportAsync(IpynbFixtures.Read("course-lecture.ipynb"));
        var (exported, _, _) = await ExportAsync(imported["id"]!.GetValue<long>());
        var outputs = exported["cells"]!.AsArray().SelectMany(cell => cell!["outputs"]?.AsArray() ?? []).ToList();
        Assert.Equal(["stream", "stream", "execute_result", "error", "display_data", "display_data"], outputs.Select(output => output!["output_type"]!.GetValue<string>()));
        var error = outputs.Single(output => output!["output_type"]!.GetValue<string>() == "error")!;
        Assert.Contains("\u001b[0;31mZeroDivisionError\u001b[0m: division by zero", error["traceback"]!.AsArray().Select(line => line!.GetValue<string>()), StringComparer.Ordinal);
        var figure = outputs.First(output => output!["data"]?["image/png"] is not null)!;
        Assert.StartsWith("iVBORw0KGgo", figure["data"]!["image/png"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(400, figure["metadata"]!["image/png"]!["width"]!.GetValue<int>());
        var json = outputs.Single(output => output!["data"]?["application/json"] is not null)!;
        Assert.Equal(2, json["data"]!["application/json"]!["total"]!.GetValue<int>());
        var raw = exported["cells"]!.AsArray().Single(cell => cell!["cell_type"]!.GetValue<string>() == "raw")!;
        Assert.Equal("text/x-python", raw["metadata"]!["format"]!.GetValue<string>());
        Assert.NotNull(raw["attachments"]!["diagram.png"]!["image/png"]);
        Assert.Null(raw["outputs"]);
    }

    [Fact]
    public async Task Exported_cells_have_unique_valid_ids_and_list_of_lines_sources()
    {
        var imported = await ImportAsync(IpynbFixtures.Read("course-lecture.ipynb"));
        var (exported, text, response) = await ExportAsync(imported["id"]!.GetValue<long>());
        var ids = exported["cells"]!.AsArray().Select(cell => cell!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.Matches(CellId(), id));
        Assert.IsType<JsonArray>(exported["cells"]![1]!["source"]);
        Assert.Contains("κόσμε, 日本語", text, StringComparison.Ordinal);
        Assert.Contains("emoji 🚀", IpynbFixtures.Text(exported["cells"]![7]!["source"]), StringComparison.Ordinal);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("Lecture 2: bigrams", imported["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Exported_files_pass_the_official_nbformat_validator()
    {
        const string Python = "/usr/bin/python3";
        if (!await PythonHasNbformatAsync(Python))
        {
            Assert.True(Environment.GetEnvironmentVariable("CI") != "true", "CI must have python3-nbformat (apt-get install python3-nbformat).");
            return;
        }
        foreach (var fixture in new[] { "course-lecture.ipynb", "string-sources.ipynb", "legacy-v3.ipynb" })
        {
            var imported = await ImportAsync(IpynbFixtures.Read(fixture));
            var (_, text, _) = await ExportAsync(imported["id"]!.GetValue<long>());
            var file = Path.Combine(_server.Options.DataDirectory, "..", $"export-{Guid.NewGuid():N}.ipynb");
            await File.WriteAllTextAsync(file, text);
            try
            {
                var (exitCode, output) = await RunAsync(Python, "-c",
                    "import sys, nbformat; nb = nbformat.read(sys.argv[1], as_version=nbformat.NO_CONVERT); assert nb.nbformat == 4 and nb.nbformat_minor == 5; nbformat.validate(nb); print('valid')", file);
                Assert.True(exitCode == 0, $"{fixture}: {output}");
            }
            finally
            {
                File.Delete(file);
            }
        }
    }

    [Fact]
    public async Task An_nbformat_3_notebook_is_converted()
    {
        var imported = await ImportAsync(IpynbFixtures.Read("legacy-v3.ipynb"));
        Assert.Equal("Old lecture", imported["name"]!.GetValue<string>());
        var cells = imported["cells"]!.AsArray();
        Assert.Equal(["markdown", "markdown", "code", "code", "code", "raw"], cells.Select(cell => cell!["type"]!.GetValue<string>()));
        Assert.Equal("## An old IPython notebook", cells[0]!["source"]!.GetValue<string>());
        Assert.Equal("x = 6 * 7\nx", cells[2]!["source"]!.GetValue<string>());
        Assert.Equal(1, cells[2]!["executionCount"]!.GetValue<int>());
        var result = cells[2]!["outputs"]![0]!;
        Assert.Equal("execute_result", result["output_type"]!.GetValue<string>());
        Assert.Equal("<b>42</b>", result["data"]!["text/html"]!.GetValue<string>());
        Assert.Equal("stdout", cells[3]!["outputs"]![0]!["name"]!.GetValue<string>());
        Assert.NotNull(cells[3]!["outputs"]![1]!["data"]!["image/png"]);
        Assert.Equal("error", cells[4]!["outputs"]![0]!["output_type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Multipart_upload_takes_the_file_name_as_a_display_name_only()
    {
        using var form = new MultipartFormDataContent();
        var file = new StringContent(IpynbFixtures.Read("string-sources.ipynb"));
        form.Add(file, "file", "../../etc/Week 3 notes.ipynb");
        var response = await _user.Http.PostAsync($"/api/projects/{_projectId}/ipynb", form);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("Week 3 notes", (await response.ReadJsonAsync())["name"]!.GetValue<string>());
    }

    private static async Task<bool> PythonHasNbformatAsync(string python) =>
        File.Exists(python) && (await RunAsync(python, "-c", "import nbformat")).ExitCode == 0;

    internal static async Task<(int ExitCode, string Output)> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex CellId();
}
