using System.Net;
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
}
