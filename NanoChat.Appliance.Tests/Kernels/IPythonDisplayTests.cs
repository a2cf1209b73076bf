using System.Text.Json.Nodes;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Kernels;

/// <summary>
/// Jupyter notebooks' display idioms in a real worker: `from IPython.display import …` (the
/// appliance's stand-in where IPython is not installed, a real IPython routed through the appliance
/// where it is) and clear_output for live-updating cells, through the stream and the stored outputs.
/// </summary>
[Collection(PythonKernelCollection.Name)]
public sealed class IPythonDisplayTests
{
    private static IEnumerable<string> Types(CellRun run) =>
        run.Events.Select(e => (string)e.Data["type"]!).Where(type => type is not ("execution" or "status" or "done"));

    [Fact]
    public async Task IPython_display_idioms_show_html_markdown_math_and_images()
    {
        await using var session = await KernelSession.StartAsync();
        // As on a box without IPython (CI's): the stand-in's finder, last in sys.meta_path, answers
        // first for this kernel even where an IPython is installed (the kernel benchmark installs one).
        var preferStandIn = await session.RunAsync("""
            import sys
            stand_in = sys.meta_path[-1]
            assert "IPython.display" in stand_in.modules, sys.meta_path
            class PreferStandIn:
                def find_spec(self, name, path=None, target=None):
                    return stand_in.find_spec(name, path, target)
            sys.meta_path.insert(0, PreferStandIn())
            """);
        Assert.Equal("ok", preferStandIn.Status);
        var run = await session.RunAsync("""
            from IPython.display import display, HTML, Markdown, Math, Image, JSON
            from IPython.core.display import HTML as OldSpelling
            import IPython
            import matplotlib.pyplot as plt
            plt.plot([1, 2]); plt.savefig("plot.png"); plt.close()
            print(IPython.get_ipython(), OldSpelling is HTML, IPython.display.HTML is HTML, IPython.__file__)
            display(HTML("<b>bold</b>"), Markdown("# Title"))
            display(Math(r"\alpha^2"), Image("plot.png", width=120), JSON({"loss": 1.5}))
            display({"text/plain": "raw bundle"}, raw=True)
            display(HTML("<i>dropped</i>"), exclude=["text/html"])
            """);
        Assert.Equal("ok", run.Status);
        Assert.Equal("None True True <appliance>/IPython/__init__.py\n", run.Stdout);
        var displays = run.Displays.Select(d => (JsonObject)d["data"]!).ToList();
        Assert.Equal("<b>bold</b>", (string?)displays[0]["text/html"]);
        Assert.Equal("# Title", (string?)displays[1]["text/markdown"]);
        Assert.Equal("$\\displaystyle \\alpha^2$", (string?)displays[2]["text/latex"]);
        var png = Convert.FromBase64String((string)displays[3]["image/png"]!);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.Equal(120, (int)run.Displays.ElementAt(3)["metadata"]!["image/png"]!["width"]!);
        Assert.Equal(1.5, (double)displays[4]["application/json"]!["loss"]!);
        Assert.Equal("raw bundle", (string?)displays[5]["text/plain"]);
        Assert.False(displays[6].ContainsKey("text/html"));

        // What IPython cannot do here fails by name, and a URL says why instead of hanging offline.
        var missing = await session.RunAsync("from IPython.display import YouTubeVideo");
        Assert.Equal("ImportError", (string?)missing.Error!["ename"]);
        var url = await session.RunAsync("from IPython.display import Image\nImage(url='https://example.com/cat.png')");
        Assert.Contains("no internet access", (string?)url.Error!["evalue"]);

        // The stand-in's figure formats and JavaScript, as the real IPython's (JupyterMagicsTests).
        var formats = await session.RunAsync("""
            from IPython.display import Javascript, set_matplotlib_formats
            set_matplotlib_formats("svg")
            plt.plot([1, 2]); plt.show()
            display(Javascript("console.log(1)"))
            """);
        Assert.Equal(
            [("image/svg+xml", true), ("application/javascript", true)],
            formats.Displays.Select(d => ((JsonObject)d["data"]!).First(entry => entry.Key != "text/plain")).Select(entry => (entry.Key, ((string)entry.Value!).Contains(entry.Key == "image/svg+xml" ? "<svg" : "console.log(1)", StringComparison.Ordinal))));
        Assert.Equal("ValueError", (string?)(await session.RunAsync("set_matplotlib_formats('bmp')")).Error!["ename"]);
    }

    [Fact]
    public async Task Clear_output_replaces_a_live_cells_output_in_the_stream_and_in_what_is_stored()
    {
        await using var session = await KernelSession.StartAsync();
        var run = await session.RunAsync("""
            from IPython.display import clear_output
            import matplotlib.pyplot as plt
            print("before")
            clear_output()
            for step in range(3):
                clear_output(wait=True)
                print("step", step)
                plt.plot([0, step]); plt.show()
            """);
        Assert.Equal("ok", run.Status);
        // Prints before a clear arrive before it: the worker drains captured output first.
        Assert.Equal(
            new[] { "stdout", "clear_output", "clear_output", "stdout", "display", "clear_output", "stdout", "display", "clear_output", "stdout", "display" },
            Types(run));
        Assert.Equal(new[] { false, true, true, true }, run.Events.Where(e => (string?)e.Data["type"] == "clear_output").Select(e => (bool)e.Data["wait"]!));

        var stored = (await (await session.Http.GetAsync($"/api/executions/{run.ExecutionId}")).ReadJsonAsync())["outputs"]!.AsArray();
        Assert.Equal(new[] { "stream", "display_data" }, stored.Select(o => (string)o!["output_type"]!));
        Assert.Equal("step 2\n", (string?)stored[0]!["text"]);

        // The notebook's own display() and `from appliance import clear_output` are the same functions.
        var builtin = await session.RunAsync("from appliance import clear_output as c\nimport IPython.display as d\nprint(display is d.display, c is d.clear_output)");
        Assert.Equal("True True\n", builtin.Stdout);
    }

    [Fact]
    public async Task A_display_id_output_is_replaced_in_place_in_its_own_cell_and_from_a_later_one()
    {
        await using var session = await KernelSession.StartAsync();
        var run = await session.RunAsync("""
            from IPython.display import display, update_display, DisplayHandle
            handle = display("epoch 1", display_id=True)
            display("unrelated")
            handle.update("epoch 2")
            named = display("waiting", display_id="status")
            print(type(handle) is DisplayHandle, named.display_id)
            """);
        Assert.Equal("ok", run.Status);
        Assert.Equal("True status\n", run.Stdout);
        var shown = run.Events.Where(e => (string?)e.Data["type"] is "display" or "update_display").Select(e => e.Data).ToList();
        Assert.Equal(new[] { "display", "display", "update_display", "display" }, shown.Select(e => (string)e["type"]!));
        Assert.Equal((string?)shown[0]["displayId"], (string?)shown[2]["displayId"]);
        Assert.Null(shown[1]["displayId"]);
        // The stored copy of this cell shows the updated value where the first one was.
        var stored = (await (await session.Http.GetAsync($"/api/executions/{run.ExecutionId}")).ReadJsonAsync())["outputs"]!.AsArray();
        Assert.Equal(new[] { "'epoch 2'", "'unrelated'", "'waiting'" }, stored.Where(o => (string?)o!["output_type"] == "display_data").Select(o => (string)o!["data"]!["text/plain"]!));

        // A later cell updates the output of this one (the page finds it by its id); update=True is the same.
        var later = await session.RunAsync("update_display('ready', display_id='status')\ndisplay('again', display_id='status', update=True)");
        Assert.Equal(new[] { "status", "status" }, later.Events.Where(e => (string?)e.Data["type"] == "update_display").Select(e => (string)e.Data["displayId"]!));
        Assert.Empty(later.Displays);
    }

    [Fact]
    public async Task An_installed_IPython_loads_as_usual_but_its_display_and_clear_output_show_in_the_cell()
    {
        // A real IPython without a shell would print reprs and terminal escapes. A package of that
        // shape in the workspace (first on sys.path) stands for an installed one.
        await using var session = await KernelSession.StartAsync();
        var setup = await session.RunAsync("""
            import os
            os.makedirs("IPython/core", exist_ok=True)
            open("IPython/__init__.py", "w").write("INSTALLED = True\n")
            open("IPython/core/__init__.py", "w").write("")
            open("IPython/core/display_functions.py", "w").write(
                "def display(*objs, **kwargs):\n    print('printed by IPython', objs)\n"
                "def clear_output(wait=False):\n    print('\\033[2K\\r', end='')\n")
            open("IPython/display.py", "w").write(
                "from IPython.core.display_functions import display, clear_output\n"
                "class HTML:\n    def __init__(self, html): self.html = html\n    def _repr_html_(self): return self.html\n")
            """);
        Assert.Equal("ok", setup.Status);

        var run = await session.RunAsync("""
            from IPython.display import display, clear_output, HTML
            import IPython
            print(IPython.INSTALLED)
            clear_output()
            display(HTML("<i>installed</i>"))
            """);
        Assert.Equal("ok", run.Status);
        Assert.Equal(new[] { "stdout", "clear_output", "display" }, Types(run));
        Assert.Equal("True\n", run.Stdout);
        Assert.Equal("<i>installed</i>", (string?)run.Displays.Single()["data"]!["text/html"]);
    }
}
