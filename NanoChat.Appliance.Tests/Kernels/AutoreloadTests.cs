namespace NanoChat.Appliance.Tests.Kernels;

/// <summary>
/// `%load_ext autoreload` + `%autoreload 2` (the first cell of many Jupyter notebooks): edits to a
/// module in the workspace reach the next cell, including through names imported from it and
/// instances of its classes; a broken edit is reported and the cell still runs.
/// </summary>
[Collection(PythonKernelCollection.Name)]
public sealed class AutoreloadTests
{
    private static string Write(string source) =>
        $"open('model.py', 'w').write({System.Text.Json.JsonSerializer.Serialize(source)})";

    [Fact]
    public async Task Edits_to_workspace_modules_reach_the_next_cell()
    {
        await using var session = await KernelSession.StartAsync();
        Assert.Equal("ok", (await session.RunAsync("%load_ext autoreload\n%autoreload 2")).Status);
        await session.RunAsync(Write("SCALE = 1\ndef score(x):\n    return x * SCALE\nclass Model:\n    def name(self):\n        return 'v1'\n"));
        Assert.Equal("(2, 'v1')", (await session.RunAsync("import model\nfrom model import score\nm = model.Model()\n(score(2), m.name())")).Result);

        await session.RunAsync(Write("SCALE = 10\ndef score(x):\n    return x * SCALE + 1\nclass Model:\n    def name(self):\n        return 'version 2'\n"));
        Assert.Equal("(21, 'version 2', 10)", (await session.RunAsync("(score(2), m.name(), model.SCALE)")).Result);

        await session.RunAsync(Write("def score(:\n"));
        var broken = await session.RunAsync("score(2)");
        Assert.Equal("ok", broken.Status);
        Assert.Contains("[autoreload of model failed", broken.Stderr, StringComparison.Ordinal);
        Assert.Equal("21", broken.Result);

        Assert.Equal("ok", (await session.RunAsync("%autoreload 0")).Status);
        await session.RunAsync(Write("def score(x):\n    return -1\n"));
        Assert.Equal("21", (await session.RunAsync("score(2)")).Result);

        Assert.Equal("UsageError", (string?)(await session.RunAsync("%load_ext tensorboard")).Error!["ename"]);
    }
}
