namespace NanoChat.Appliance.Tests.Kernels;

/// <summary>
/// The libraries course notebooks lean on show as they do in Jupyter, through their own rich
/// representations: a pandas DataFrame as an HTML table (nanochat's and nanoGPT's analysis
/// notebooks), a graphviz graph as SVG (micrograd's draw_dot), and tqdm's console bars as text
/// bars redrawn in place. All are installed with the appliance
/// (scripts/install-prerequisites.sh).
/// </summary>
[Collection(PythonKernelCollection.Name)]
public sealed class CourseLibraryOutputTests
{
    [Fact]
    public async Task A_dataframe_shows_as_a_table_and_a_graphviz_graph_as_svg()
    {
        await using var session = await KernelSession.StartAsync();
        var table = await session.RunAsync("import pandas as pd\npd.DataFrame({'model': ['d12', 'd20'], 'loss': [3.25, 2.875]})");
        Assert.Equal("ok", table.Status);
        var html = (string)Assert.Single(table.Displays)["data"]!["text/html"]!;
        Assert.Contains("<table", html, StringComparison.Ordinal);
        Assert.Contains("<td>2.875</td>", html, StringComparison.Ordinal);
        Assert.Contains("d20", table.Result, StringComparison.Ordinal);

        var graph = await session.RunAsync("""
            from graphviz import Digraph
            dot = Digraph(graph_attr={'rankdir': 'LR'})
            dot.node('a', 'a | data 2.0'); dot.node('b', 'b | data -3.0'); dot.edge('a', 'b')
            dot
            """);
        Assert.Equal("ok", graph.Status);
        var svg = (string)Assert.Single(graph.Displays)["data"]!["image/svg+xml"]!;
        Assert.Contains("<svg", svg, StringComparison.Ordinal);
        Assert.Contains("a | data 2.0", svg, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tqdm_console_bars_are_text_bars_on_stderr()
    {
        await using var session = await KernelSession.StartAsync();
        // Plain tqdm draws text, which the page redraws in place; the notebook kind (tqdm.notebook,
        // tqdm.auto) is a progress control instead (ProgressWidgetTests).
        var run = await session.RunAsync("from tqdm import tqdm, trange\nfor step in tqdm(range(20), desc='steps'):\n    pass\nlen(list(trange(3)))");
        Assert.Equal(("ok", "3"), (run.Status, run.Result));
        Assert.StartsWith("\rsteps:   0%|", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("\rsteps: 100%|██████████| 20/20 [", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Displays, d => d["data"]?["application/vnd.nanochat.widget+json"] is not null);
    }
}
