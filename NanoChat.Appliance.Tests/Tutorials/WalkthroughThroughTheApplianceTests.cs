using NanoChat.Appliance.Tests.Infrastructure;
using NanoChat.Appliance.Tests.Kernels;

namespace NanoChat.Appliance.Tests.Tutorials;

/// <summary>
/// The nanochat walkthrough opened from the catalog and run cell by cell in the real kernel on a box
/// without nanochat (and without a GPU): every step says it is skipped and why, and no cell shows a
/// stray value under its output (a helper's False, as Jupyter would display it).
/// </summary>
[Collection(PythonKernelCollection.Name)]
public sealed class WalkthroughThroughTheApplianceTests
{
    [Fact]
    public async Task Skipped_steps_say_why_and_show_no_value_under_their_output()
    {
        await using var server = await ApplianceServer.StartAsync(configure: options =>
        {
            options.PythonPath = KernelSession.DebianPython;
            options.NanochatDirectory = null;
        });
        using var student = await server.SignUpAsync("walker");
        student.Http.Timeout = TimeSpan.FromMinutes(5);
        var opened = await (await student.Http.PostAsync("/api/tutorials/nanochat-walkthrough/open", null)).ReadJsonAsync();
        var notebook = await (await student.Http.GetAsync($"/api/notebooks/{opened["notebookId"]}")).ReadJsonAsync();
        var skipped = 0;
        foreach (var cell in notebook["cells"]!.AsArray().Where(cell => (string?)cell!["type"] == "code"))
        {
            var run = await KernelSession.RunAsync(student.Http, (long)notebook["id"]!, (string)cell!["source"]!, (string?)cell["id"]);
            Assert.True(run.Status == "ok", $"cell {cell["id"]} ended {run.Status}: {run}");
            Assert.True(run.Result is null, $"cell {cell["id"]} shows the value {run.Result} under its output");
            skipped += run.Stdout.Contains("skipped: ", StringComparison.Ordinal) ? 1 : 0;
        }
        Assert.True(skipped >= 5, $"only {skipped} steps said they were skipped");
    }

    [Fact]
    public async Task Data_cells_use_the_staged_course_data_and_name_what_is_missing()
    {
        await using var server = await ApplianceServer.StartAsync(configure: options =>
        {
            options.PythonPath = KernelSession.DebianPython;
            options.NanochatDirectory = null;
        });
        var staging = server.Services.GetRequiredService<NanoChat.Appliance.CourseData.CourseStaging>();
        var sources = TempFolders.Create("walkthrough-course");
        try
        {
            Directory.CreateDirectory(Path.Combine(sources, "shards"));
            File.WriteAllText(Path.Combine(sources, "shards", "shard_00000.parquet"), "synthetic");
            File.WriteAllText(Path.Combine(sources, "shards", "shard_06542.parquet"), "synthetic validation");
            Directory.CreateDirectory(Path.Combine(sources, "tok"));
            File.WriteAllText(Path.Combine(sources, "tok", "tokenizer.pkl"), "synthetic");
            await staging.AddAsync(Path.Combine(sources, "shards"), NanoChat.Appliance.CourseData.CourseItemKind.Shards, "climbmix", null, null, CancellationToken.None);
            await staging.AddAsync(Path.Combine(sources, "tok"), NanoChat.Appliance.CourseData.CourseItemKind.Tokenizer, "class-tokenizer", null, null, CancellationToken.None);
            using var student = await server.SignUpAsync("walker");
            student.Http.Timeout = TimeSpan.FromMinutes(5);
            var opened = await (await student.Http.PostAsync("/api/tutorials/nanochat-walkthrough/open", null)).ReadJsonAsync();
            var notebook = await (await student.Http.GetAsync($"/api/notebooks/{opened["notebookId"]}")).ReadJsonAsync();
            var output = new System.Text.StringBuilder();
            foreach (var cell in notebook["cells"]!.AsArray().Where(cell => (string?)cell!["type"] == "code"))
            {
                var run = await KernelSession.RunAsync(student.Http, (long)notebook["id"]!, (string)cell!["source"]!, (string?)cell["id"]);
                Assert.True(run.Status == "ok", $"cell {cell["id"]} ended {run.Status}: {run}");
                output.Append(run.Stdout);
            }
            var text = output.ToString();
            Assert.Contains("pretraining shards: 2 files in ", text, StringComparison.Ordinal);
            Assert.DoesNotContain("python -m nanochat.dataset", text, StringComparison.Ordinal); // nothing to download
            Assert.Contains("a tokenizer was staged by your instructor", text, StringComparison.Ordinal);
            Assert.Contains("CORE is left out: the evaluation bundle is not staged (course data of kind 'eval-bundle')", text, StringComparison.Ordinal);
            Assert.Contains("missing: SFT and evaluation task files are not on this box and this kernel cannot download them.", text, StringComparison.Ordinal);
            Assert.Contains("course data of kind 'task-data'", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Traceback", text, StringComparison.Ordinal);
        }
        finally
        {
            TempFolders.Delete(sources);
        }
    }
}
