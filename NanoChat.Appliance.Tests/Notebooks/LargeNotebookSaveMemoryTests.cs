using System.Net.Http.Json;
using System.Text;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Notebooks;

/// <summary>
/// A notebook full of plots, saved again and again (autosave during a class): the web process's
/// memory must stay bounded, not grow by copies of the notebook per save. A real server process,
/// real HTTP, its resident memory read from /proc.
/// </summary>
public sealed class LargeNotebookSaveMemoryTests
{
    private const int Saves = 15;
    private const int Cells = 30;
    private const int ImageBytes = 1024 * 1024; // base64 characters per plot: a ~31 MB notebook

    [Fact]
    public async Task Fifteen_saves_of_a_31_MB_notebook_keep_the_server_under_its_memory_bound()
    {
        await using var server = await ServerProcess.StartAsync(AppContext.BaseDirectory, TempFolders.Create("data"), "--kernel-idle-minutes", "60");
        using var http = await server.SignUpAsync("plotter");
        var project = await (await http.PostAsJsonAsync("/api/projects", new { name = "Plots" })).ReadJsonAsync();
        var notebook = await (await http.PostAsJsonAsync($"/api/projects/{project["id"]}/notebooks", new { name = "Many plots" })).ReadJsonAsync();
        var revision = (long)notebook["revision"]!;
        var baseline = ResidentBytes(server.Pid);

        long peak = 0;
        for (var save = 0; save < Saves; save++)
        {
            using var body = new StringContent(NotebookBody(revision, save), Encoding.UTF8, "application/json");
            var response = await http.PutAsync($"/api/notebooks/{notebook["id"]}", body);
            Assert.True(response.IsSuccessStatusCode, $"save {save}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            revision = (long)(await response.ReadJsonAsync())["revision"]!;
            peak = Math.Max(peak, ResidentBytes(server.Pid));
        }

        var saved = await (await http.GetAsync($"/api/notebooks/{notebook["id"]}")).ReadJsonAsync();
        Assert.Equal(Cells, saved["cells"]!.AsArray().Count);
        Assert.Equal($"plot {Saves - 1}", (string)saved["cells"]![0]!["source"]!);
        var mebibyte = 1024.0 * 1024;
        // Afterwards the memory goes back: within a few seconds near where it started.
        var settled = ResidentBytes(server.Pid);
        for (var wait = 0; wait < 50 && settled > baseline + BackToBaselineSlack; wait++)
        {
            await Task.Delay(200);
            settled = ResidentBytes(server.Pid);
        }
        Assert.True(settled <= baseline + BackToBaselineSlack, $"10 s after the last save the server still holds {settled / mebibyte:N0} MB (it started at {baseline / mebibyte:N0} MB, peaked at {peak / mebibyte:N0} MB)");
        Assert.True(peak < MemoryBound, $"the server grew from {baseline / mebibyte:N0} MB to a peak of {peak / mebibyte:N0} MB over {Saves} saves of a {Cells * ImageBytes / mebibyte:N0} MB notebook (bound {MemoryBound / mebibyte:N0} MB)");
    }

    /// <summary>A few copies of the notebook (a save in flight, the GC's slack), never one per save: measured 343 MB here, 1.8 GB before.</summary>
    private const long MemoryBound = 500L * 1024 * 1024;

    /// <summary>Caches warmed by the saves (SQLite pages, JIT, pools) may stay; copies of the notebook may not.</summary>
    private const long BackToBaselineSlack = 150L * 1024 * 1024;

    private static string NotebookBody(long revision, int save)
    {
        var image = new string('A', ImageBytes);
        var cells = Enumerable.Range(0, Cells).Select(index => new
        {
            id = $"cell-{index}",
            type = "code",
            source = $"plot {save}",
            executionCount = index + 1,
            outputs = new object[] { new Dictionary<string, object> { ["output_type"] = "display_data", ["data"] = new Dictionary<string, string> { ["image/png"] = image }, ["metadata"] = new { } } },
        });
        return System.Text.Json.JsonSerializer.Serialize(new { revision, cells });
    }

    private static long ResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(text => text.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
