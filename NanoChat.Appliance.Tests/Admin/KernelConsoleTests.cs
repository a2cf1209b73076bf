using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using NanoChat.Appliance.Tests.Infrastructure;
using NanoChat.Appliance.Tests.Kernels;

namespace NanoChat.Appliance.Tests.Admin;

/// <summary>The console against real workers: a running cell shows up, and the instructor's stop reaches the student's cell.</summary>
[Collection(PythonKernelCollection.Name)]
public sealed class KernelConsoleTests : IAsyncLifetime
{
    private KernelSession _session = null!;

    public async Task InitializeAsync() => _session = await KernelSession.StartAsync(username: "teacher");
    public async Task DisposeAsync() => await _session.DisposeAsync();

    [Fact]
    public async Task Kernels_list_shows_a_running_cell_and_stop_reaches_the_students_cell()
    {
        using var student = await _session.Server.SignUpAsync("kim");
        var notebook = await KernelSession.CreateNotebookAsync(student.Http);
        var run = KernelSession.RunAsync(student.Http, notebook, "import time\nprint('working', flush=True)\ntime.sleep(60)");

        JsonNode? row = null;
        for (var attempt = 0; attempt < 100 && row?["currentCellRunning"] is null; attempt++)
        {
            await Task.Delay(200);
            var list = (await (await _session.Http.GetAsync("/api/admin/kernels")).ReadJsonAsync()).AsArray();
            row = list.FirstOrDefault(item => (long)item!["userId"]! == student.Id);
        }
        Assert.NotNull(row);
        Assert.Equal("kim", (string?)row!["username"]);
        Assert.Equal("busy", (string?)row["state"]);
        Assert.NotNull(row["currentCellRunning"]);
        Assert.Contains("memory", (string?)row["limits"], StringComparison.Ordinal);
        var page = await (await _session.Http.GetAsync("/admin/kernels")).Content.ReadAsStringAsync();
        Assert.Contains("kim", page, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await _session.Http.PostAsync($"/api/admin/kernels/{student.Id}/stop", null)).StatusCode);
        var cell = await run;
        Assert.Equal("killed", cell.Status);
        Assert.Contains("instructor", (string?)cell.Done["reason"] ?? cell.ToString(), StringComparison.OrdinalIgnoreCase);

        var events = (await (await _session.Http.GetAsync("/api/admin/events")).ReadJsonAsync()).AsArray();
        Assert.Contains(events, item => (string?)item!["subject"] == "kim");
    }

    [Fact]
    public async Task Hand_out_progress_counts_cells_run_not_runs_and_a_fixed_error_is_no_error()
    {
        using var student = await _session.Server.SignUpAsync("lee");
        var project = await (await _session.Http.PostAsJsonAsync("/api/projects", new { name = "Lessons" })).ReadJsonAsync();
        var lesson = await (await _session.Http.PostAsJsonAsync($"/api/projects/{project["id"]}/notebooks", new
        {
            name = "Sliders",
            cells = new object[]
            {
                new { type = "code", source = "print(1)" }, new { type = "code", source = "1/0" },
                new { type = "code", source = "x" }, new { type = "code", source = "interact" },
            },
        })).ReadJsonAsync();
        var handOut = await (await _session.Http.PostAsJsonAsync("/api/admin/handouts", new { notebookId = lesson["id"], projectName = "Week 2", usernames = new[] { "lee" } })).ReadJsonAsync();
        var copy = (long)handOut["copies"]![0]!["notebookId"]!;

        // c1 twice; c2 fails; c3 fails, then runs clean; the widget cell once and its slider five times.
        foreach (var (cell, code) in new[] { ("c1", "print(1)"), ("c1", "print(1)"), ("c2", "1/0"), ("c3", "x"), ("c3", "x = 3\nx") })
            await KernelSession.RunAsync(student.Http, copy, code, cell);
        var widget = (await KernelSession.RunAsync(student.Http, copy, "from ipywidgets import interact\ninteract(lambda n=1: n, n=(1, 9));", "w")).Displays.Single();
        var widgetId = (string)widget["data"]!["application/vnd.nanochat.widget+json"]!["id"]!;
        for (var n = 2; n <= 6; n++)
            Assert.Equal("ok", (await KernelSession.PostEventsAsync(student.Http, $"/api/widgets/{widgetId}", new { notebookId = copy, values = new { n } })).Status);

        var progress = await (await _session.Http.GetAsync($"/api/admin/handouts/{handOut["handOutId"]}")).ReadJsonAsync();
        var row = progress["students"]!.AsArray().Single(item => (string?)item!["username"] == "lee")!;
        Assert.Equal(4, (int)row["cellsRun"]!);
        Assert.Equal(4, (int)row["codeCells"]!);
        Assert.Equal(1, (int)row["errors"]!);
        Assert.NotNull(row["lastActivity"]);
    }
}
