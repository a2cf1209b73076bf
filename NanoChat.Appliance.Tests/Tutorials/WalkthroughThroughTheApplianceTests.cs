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
}
