using System.Text;
using System.Text.Json.Nodes;
using NanoChat.Appliance.Ipynb;
using NanoChat.Appliance.Tests.Ipynb;
using NanoChat.Appliance.Web;

namespace NanoChat.Appliance.Tests.Tutorials;

/// <summary>
/// The shipped tutorials themselves: they import, carry their catalog fields and GPU markers, and
/// their code runs. Until the kernel feature lands, code is run in a /usr/bin/python3 subprocess
/// (one process, cells in order, as a kernel would); <see cref="CpuTutorialThroughTheApplianceTests"/>
/// runs the CPU tutorial through the real execute route once it exists.
/// </summary>
public sealed class TutorialNotebookTests
{
    public const string SystemPython = "/usr/bin/python3";

    internal static JsonNode Load(string slug) => JsonNode.Parse(EmbeddedAssets.ReadText($"tutorials/{slug}.ipynb"))!;

    internal static List<JsonNode> CodeCells(JsonNode notebook) =>
        notebook["cells"]!.AsArray().Where(cell => cell!["cell_type"]!.GetValue<string>() == "code").Select(cell => cell!).ToList();

    /// <summary>A script that runs the given cells in order in one interpreter, stopping at the first failure.</summary>
    internal static string Runner(IEnumerable<JsonNode> cells)
    {
        var sources = new JsonArray(cells.Select(cell => (JsonNode?)IpynbFixtures.Text(cell["source"])).ToArray());
        return "import json\nnamespace = {'__name__': '__main__'}\n" +
               $"for index, source in enumerate(json.loads({System.Text.Json.JsonSerializer.Serialize(sources.ToJsonString())})):\n" +
               "    print(f'--- cell {index}', flush=True)\n" +
               "    exec(compile(source, f'<cell {index}>', 'exec'), namespace)\n" +
               "print('ALL CELLS RAN')\n";
    }

    [Theory]
    [InlineData("tiny-gpt-cpu")]
    [InlineData("nanochat-walkthrough")]
    public void Tutorials_import_cleanly_with_unique_ids_and_catalog_fields(string slug)
    {
        var (notebook, error) = IpynbReader.Read(Encoding.UTF8.GetBytes(EmbeddedAssets.ReadText($"tutorials/{slug}.ipynb")));
        Assert.True(notebook is not null, error);
        Assert.Equal(notebook.Cells.Count, notebook.Cells.Select(cell => cell.Id).Distinct().Count());
        var tutorial = notebook.Metadata["nanochat"]!["tutorial"]!;
        Assert.False(string.IsNullOrWhiteSpace(tutorial["title"]!.GetValue<string>()));
        Assert.False(string.IsNullOrWhiteSpace(tutorial["summary"]!.GetValue<string>()));
        Assert.Equal("python3", notebook.Metadata["kernelspec"]!["name"]!.GetValue<string>());
        Assert.All(notebook.Cells.Where(cell => cell.Type == "code"), cell => Assert.Empty(cell.Outputs!));
    }

    [Fact]
    public void The_walkthrough_has_30_cells_marks_its_gpu_cells_and_runs_nanochat_scripts()
    {
        var notebook = Load("nanochat-walkthrough");
        Assert.True(notebook["cells"]!.AsArray().Count >= 30);
        var gpuCells = CodeCells(notebook).Where(cell => cell["metadata"]?["nanochat"]?["requires_gpu"]?.GetValue<bool>() == true).ToList();
        Assert.True(gpuCells.Count >= 5, $"only {gpuCells.Count} GPU cells are marked");
        var code = string.Join('\n', CodeCells(notebook).Select(cell => IpynbFixtures.Text(cell["source"])));
        foreach (var step in new[] { "scripts.tok_train", "scripts.base_train --depth=8", "scripts.base_eval", "scripts.chat_sft", "scripts.chat_eval", "scripts.chat_cli" })
            Assert.Contains(step, code, StringComparison.Ordinal);
        Assert.All(gpuCells, cell => Assert.DoesNotContain("scripts.tok_train", IpynbFixtures.Text(cell["source"]), StringComparison.Ordinal));
    }

    [RequiresDebianPythonFact]
    public async Task The_walkthrough_runs_here_and_says_what_to_do_instead_of_failing_without_gpu_or_checkout()
    {
        var home = TempFolder();
        try
        {
            var script = Path.Combine(home, "walkthrough.py");
            await File.WriteAllTextAsync(script, Runner(CodeCells(Load("nanochat-walkthrough"))));
            var (exitCode, output) = await RunInAsync(home, SystemPython, script);
            Assert.True(exitCode == 0, output);
            Assert.Contains("nanochat environment check", output, StringComparison.Ordinal);
            Assert.Contains("[MISSING] nanochat checkout", output, StringComparison.Ordinal);
            Assert.Contains("What to do:", output, StringComparison.Ordinal);
            Assert.Contains("--nanochat", output, StringComparison.Ordinal);
            Assert.Contains("skipped: no nanochat checkout", output, StringComparison.Ordinal);
            Assert.Contains("on a ready machine this cell runs:  python -m scripts.base_train --depth=8", output, StringComparison.Ordinal);
            Assert.Contains("ALL CELLS RAN", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [RequiresDebianPythonFact(WithOldTorch = true)]
    public async Task The_environment_check_finds_a_checkout_and_names_an_old_torch()
    {
        var home = TempFolder();
        try
        {
            var checkout = Path.Combine(home, "nanochat-checkout");
            Directory.CreateDirectory(Path.Combine(checkout, "nanochat"));
            Directory.CreateDirectory(Path.Combine(checkout, "scripts"));
            await File.WriteAllTextAsync(Path.Combine(checkout, "nanochat", "gpt.py"), "");
            await File.WriteAllTextAsync(Path.Combine(checkout, "scripts", "base_train.py"), "");
            var environmentCheck = CodeCells(Load("nanochat-walkthrough")).Where(cell => cell["metadata"]?["nanochat"]?["role"]?.GetValue<string>() == "environment-check");
            var script = Path.Combine(home, "check.py");
            await File.WriteAllTextAsync(script, Runner(environmentCheck));
            var (exitCode, output) = await RunInAsync(home, SystemPython, new Dictionary<string, string> { ["NANOCHAT_DIR"] = checkout }, script);
            Assert.True(exitCode == 0, output);
            Assert.Contains($"[ok  ] nanochat checkout : {checkout}", output, StringComparison.Ordinal);
            Assert.Contains("is too old: nanochat needs torch 2.x", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task The_cpu_tutorial_trains_plots_samples_and_saves_a_loadable_checkpoint()
    {
        if (!File.Exists(SystemPython) || (await RunInAsync(Path.GetTempPath(), SystemPython, "-c", "import torch, matplotlib")).ExitCode != 0)
        {
            Assert.True(Environment.GetEnvironmentVariable("CI") != "true", "CI needs python3-torch and python3-matplotlib for the CPU tutorial.");
            return;
        }
        var work = TempFolder();
        try
        {
            var script = Path.Combine(work, "tutorial.py");
            await File.WriteAllTextAsync(script, Runner(CodeCells(Load("tiny-gpt-cpu"))) +
                "import torch\nc = torch.load('checkpoints/tiny-gpt.pt', map_location='cpu')\n" +
                "print('CHECKPOINT', c['format'], c['format_version'], sorted(c['config']), len(c['vocab']))\n");
            var (exitCode, output) = await RunInAsync(work, SystemPython, script);
            Assert.True(exitCode == 0, output);
            Assert.Contains("step  800 | train loss", output, StringComparison.Ordinal);
            Assert.Contains("same text as the original model: True", output, StringComparison.Ordinal);
            Assert.Contains("CHECKPOINT nanochat-appliance/tiny-gpt 1 ['block_size', 'n_embd', 'n_head', 'n_layer', 'vocab_size']", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    internal static string TempFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "nanochat-tutorial-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        return folder;
    }

    internal static Task<(int ExitCode, string Output)> RunInAsync(string folder, string program, params string[] arguments) =>
        RunInAsync(folder, program, new Dictionary<string, string>(), arguments);

    internal static async Task<(int ExitCode, string Output)> RunInAsync(string folder, string program, Dictionary<string, string> environment, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["HOME"] = folder;
        start.Environment["MPLBACKEND"] = "Agg";
        start.Environment.Remove("NANOCHAT_DIR");
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
