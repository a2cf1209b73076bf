using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Json;

namespace NanoChat.Appliance.Tests.Kernels;

/// <summary>
/// The magics Jupyter notebooks commonly carry beyond the basics (ExecuteStreamTests has those):
/// figure formats through %config and set_matplotlib_formats, %%capture, the display cell magics,
/// %timeit's options, `x = !cmd` and `x = %magic`, the namespace magics, and tracebacks that show
/// the student's frames and not the magic's machinery. Real worker, real CPython, real HTTP.
/// </summary>
[Collection(PythonKernelCollection.Name)]
public sealed class JupyterMagicsTests
{
    [Fact]
    public async Task Figure_formats_follow_config_and_set_matplotlib_formats()
    {
        await using var session = await KernelSession.StartAsync();
        var retina = await session.RunAsync("%config InlineBackend.figure_format = 'retina'\nimport matplotlib.pyplot as plt\nplt.plot([1, 2, 3]);");
        var figure = Assert.Single(retina.Displays);
        // Twice the pixels, shown at half: the metadata's width is half the PNG's own width.
        var png = Convert.FromBase64String((string)figure["data"]!["image/png"]!);
        var pixelWidth = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4));
        Assert.Equal(pixelWidth / 2, (int)figure["metadata"]!["image/png"]!["width"]!);
        Assert.True(pixelWidth > 800, $"a retina figure is drawn at twice the resolution, got {pixelWidth} px");

        var svg = Assert.Single((await session.RunAsync("%config InlineBackend.figure_formats = ['svg']\nplt.plot([1, 2]); plt.show()")).Displays);
        Assert.Contains("<svg", (string)svg["data"]!["image/svg+xml"]!, StringComparison.Ordinal);
        Assert.Null(svg["data"]!["image/png"]);
        Assert.Contains("['svg']", (await session.RunAsync("%config")).Stdout, StringComparison.Ordinal);

        var plain = await session.RunAsync("from IPython.display import set_matplotlib_formats\nset_matplotlib_formats('png')\nplt.plot([3]);");
        var shown = Assert.Single(plain.Displays);
        Assert.NotNull(shown["data"]!["image/png"]);
        Assert.Null(shown["metadata"]!["image/png"]);

        Assert.Equal("ok", (await session.RunAsync("%config Completer.use_jedi = False")).Status);
        foreach (var refused in new[] { "%config InlineBackend.figure_format = 'pdf'", "%config Application.log_level = 10", "%config nonsense" })
        {
            var run = await session.RunAsync(refused);
            Assert.Equal(("error", "UsageError"), (run.Status, (string?)run.Error!["ename"]));
        }
    }

    [Fact]
    public async Task Capture_keeps_prints_shell_output_displays_and_figures_for_later()
    {
        await using var session = await KernelSession.StartAsync();
        var captured = await session.RunAsync("""
            %%capture setup
            import sys
            import matplotlib.pyplot as plt
            from IPython.display import HTML
            print("installing")
            print("a warning", file=sys.stderr)
            !echo from the shell
            display(HTML("<b>ready</b>"))
            plt.plot([1, 2]); plt.show()
            42
            """);
        Assert.Equal("ok", captured.Status);
        Assert.Equal(("", ""), (captured.Stdout, captured.Stderr));
        Assert.Empty(captured.Displays);

        var kept = await session.RunAsync("print(repr(setup.stdout), repr(setup.stderr))\n[list(output.data) for output in setup.outputs]");
        Assert.Equal("'installing\\nfrom the shell\\n' 'a warning\\n'\n", kept.Stdout);
        Assert.Equal("[['text/html', 'text/plain'], ['image/png', 'text/plain'], ['text/plain']]", kept.Result);

        var replayed = await session.RunAsync("setup.show()");
        Assert.Equal(("installing\nfrom the shell\n", "a warning\n"), (replayed.Stdout, replayed.Stderr));
        Assert.Equal(3, replayed.Displays.Count());

        // --no-stderr lets warnings through; an error is shown all the same, and the variable is set.
        var partly = await session.RunAsync("%%capture --no-stderr\nimport sys\nprint('quiet')\nprint('loud', file=sys.stderr)");
        Assert.Equal(("", "loud\n"), (partly.Stdout, partly.Stderr));
        var failed = await session.RunAsync("%%capture before_error\nprint('step 1')\n1 / 0");
        Assert.Equal(("error", "ZeroDivisionError"), (failed.Status, (string?)failed.Error!["ename"]));
        Assert.Equal("'step 1\\n'", (await session.RunAsync("before_error.stdout")).Result);
        Assert.Equal("UsageError", (string?)(await session.RunAsync("%%capture --bogus\npass")).Error!["ename"]);
    }

    [Fact]
    public async Task Display_cell_magics_show_their_text_as_that_type()
    {
        await using var session = await KernelSession.StartAsync();
        var magics = new[] { ("html", "text/html"), ("markdown", "text/markdown"), ("latex", "text/latex"), ("svg", "image/svg+xml"), ("javascript", "application/javascript"), ("js", "application/javascript") };
        foreach (var (magic, mime) in magics)
        {
            var run = await session.RunAsync($"%%{magic}\n<b>shown as {magic}</b>");
            Assert.Equal($"<b>shown as {magic}</b>", (string?)Assert.Single(run.Displays)["data"]![mime]);
        }
        var script = await session.RunAsync("from IPython.display import Javascript\nJavascript('console.log(1)')");
        Assert.Equal("console.log(1)", (string?)Assert.Single(script.Displays)["data"]!["application/javascript"]);
    }

    [Fact]
    public async Task Timeit_takes_its_options_and_assignments_take_magics_and_shell_output()
    {
        await using var session = await KernelSession.StartAsync();
        Assert.Matches(@"^\S+ \S+ ± \S+ \S+ per loop \(mean ± std\. dev\. of 2 runs, 3 loops each\)\n$", (await session.RunAsync("%timeit -n 3 -r 2 x = 1")).Stdout);
        var quiet = await session.RunAsync("result = %timeit -o -q -n 5 -r 1 sum(range(10))\nresult.loops, result.repeat, len(result.all_runs), result.best <= result.worst");
        Assert.Equal(("", "(5, 1, 1, True)"), (quiet.Stdout, quiet.Result));
        // %%timeit: the rest of the first line is setup, run before and not timed.
        Assert.Contains("of 1 run, 2 loops each", (await session.RunAsync("%%timeit -n 2 -r 1 import math\nmath.sqrt(2)")).Stdout, StringComparison.Ordinal);
        Assert.Equal("UsageError", (string?)(await session.RunAsync("%timeit -x 1")).Error!["ename"]);

        var lines = await session.RunAsync("folder = 'a b'\nfiles = !printf '%s\\n' {folder} ; echo oops >&2\nfiles, files.s");
        Assert.Equal("(['a', 'b', 'oops'], 'a b oops')", lines.Result);
        Assert.Equal(("", ""), (lines.Stdout, lines.Stderr));
        Assert.Equal("['files', 'folder', 'lines', 'result']", (await session.RunAsync("lines = 1\nnames = %who_ls\n[n for n in names if n != 'names']")).Result);
    }

    [Fact]
    public async Task Who_whos_and_reset_show_and_clear_the_notebooks_variables()
    {
        await using var session = await KernelSession.StartAsync();
        Assert.Equal("Interactive namespace is empty.\n", (await session.RunAsync("%who")).Stdout);
        await session.RunAsync("import numpy as np\nsteps = 10\nname = 'gpt'\nweights = np.zeros((3, 4))\n_hidden = 1");
        Assert.Equal("name\tnp\tsteps\tweights\n", (await session.RunAsync("%who")).Stdout);
        Assert.Equal("name\tsteps\n", (await session.RunAsync("%who int str")).Stdout);
        var table = (await session.RunAsync("%whos")).Stdout.Split('\n');
        Assert.Matches(@"^Variable\s+Type\s+Data/Info$", table[0]);
        Assert.Contains(table, line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^weights\s+ndarray\s+shape \(3, 4\), float64$"));
        Assert.Contains(table, line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^name\s+str\s+'gpt'$"));

        // Without -f it asks first, through the page's input field; "n" keeps everything.
        var asking = session.RunAsync("%reset");
        var id = await InputTests.WaitForQuestionAsync(session);
        Assert.Equal(HttpStatusCode.NoContent, (await session.Http.PostAsJsonAsync($"/api/executions/{id}/input", new { value = "n" })).StatusCode);
        Assert.EndsWith("Nothing done.\n", (await asking).Stdout, StringComparison.Ordinal);
        Assert.Equal("10", (await session.RunAsync("steps")).Result);

        Assert.Equal("Interactive namespace is empty.\n", (await session.RunAsync("%reset -f\n%who")).Stdout);
        Assert.Equal("NameError", (string?)(await session.RunAsync("steps")).Error!["ename"]);
        // display() is the kernel's, not a variable: it survives.
        Assert.Equal("ok", (await session.RunAsync("display(1)")).Status);
        Assert.Equal("UsageError", (string?)(await session.RunAsync("%reset in")).Error!["ename"]);
        Assert.Contains("%%capture", (await session.RunAsync("%lsmagic")).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_sends_the_files_text_for_the_cell_instead_of_running_it()
    {
        await using var session = await KernelSession.StartAsync();
        await session.RunAsync("%%writefile solution.py\nimport math\nanswer = math.sqrt(16)\nprint('solved', answer)\n");
        var loaded = await session.RunAsync("%load solution.py");
        Assert.Equal(("ok", ""), (loaded.Status, loaded.Stdout));
        var next = Assert.Single(loaded.Events, e => (string?)e.Data["type"] == "set_next_input").Data;
        Assert.Equal(("# %load solution.py\nimport math\nanswer = math.sqrt(16)\nprint('solved', answer)", true), ((string?)next["text"], (bool)next["replace"]!));
        Assert.Equal("NameError", (string?)(await session.RunAsync("answer")).Error!["ename"]); // loaded, not run

        var lines = Assert.Single((await session.RunAsync("%load -r 1,3- solution.py")).Events, e => (string?)e.Data["type"] == "set_next_input").Data;
        Assert.Equal("# %load -r 1,3- solution.py\nimport math\nprint('solved', answer)", (string?)lines["text"]);
        foreach (var refused in new[] { "%load missing.py", "%load https://example.com/solution.py", "%load -r x solution.py", "%load" })
            Assert.Equal("UsageError", (string?)(await session.RunAsync(refused)).Error!["ename"]);
    }

    [Fact]
    public async Task Xmode_minimal_shows_only_the_errors_line_and_matplotlib_says_when_it_stays_inline()
    {
        await using var session = await KernelSession.StartAsync();
        const string failing = "def train():\n    raise ValueError('loss is nan')\ntrain()";
        Assert.Equal("Exception reporting mode: Minimal\n", (await session.RunAsync("%xmode Minimal")).Stdout);
        Assert.Equal(["ValueError: loss is nan"], (await session.RunAsync(failing)).Error!["traceback"]!.AsArray().Select(line => (string)line!));
        await session.RunAsync("%xmode Context");
        Assert.Equal(4, (await session.RunAsync(failing)).Error!["traceback"]!.AsArray().Count);
        Assert.Equal("UsageError", (string?)(await session.RunAsync("%xmode Verbose")).Error!["ename"]);

        Assert.Equal("", (await session.RunAsync("%matplotlib inline")).Stdout);
        Assert.Equal("%matplotlib widget is not available here; figures are shown inline.\n", (await session.RunAsync("%matplotlib widget")).Stdout);
    }

    [Fact]
    public async Task Errors_inside_magics_show_the_students_frames_only()
    {
        await using var session = await KernelSession.StartAsync();
        foreach (var code in new[] { "%time 1 / 0", "%%capture\ndef f():\n    return 1 / 0\nf()", "%%time\n1 / 0" })
        {
            var traceback = string.Join("\n", (await session.RunAsync(code)).Error!["traceback"]!.AsArray().Select(line => (string)line!));
            Assert.DoesNotContain("<appliance>/", traceback, StringComparison.Ordinal);
            Assert.Contains("1 / 0", traceback, StringComparison.Ordinal);
            Assert.EndsWith("ZeroDivisionError: division by zero", traceback, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Scripts_made_from_notebooks_call_get_ipython_and_it_runs_their_magics_and_shell_lines()
    {
        await using var session = await KernelSession.StartAsync();
        // What jupytext and nbconvert --to script write for %matplotlib, %config, !cmd, x = !cmd, %%capture, %timeit.
        var run = await session.RunAsync("""
            get_ipython().run_line_magic('matplotlib', 'inline')
            get_ipython().run_line_magic('config', "InlineBackend.figure_formats = ['svg']")
            word = "shell"
            get_ipython().system('echo from the $word')
            get_ipython().system('exit 3')
            print("status", _exit_code)
            files = get_ipython().getoutput('printf "a\\nb\\n"')
            print(files, files.s)
            get_ipython().run_cell_magic('capture', 'kept', 'print("hidden")\n')
            print("captured", repr(kept.stdout))
            timing = get_ipython().run_line_magic('timeit', '-o -q -n 1 -r 1 sum(range(10))')
            print(type(timing).__name__, get_ipython().magic('who_ls'))
            get_ipython().push({"pushed": 7})
            print(pushed, get_ipython().user_ns is globals(), "google.colab" in str(get_ipython()))
            import matplotlib.pyplot as plt
            plt.plot([1, 2]);
            """);
        Assert.Equal("ok", run.Status);
        Assert.Equal("from the shell\nstatus 3\n['a', 'b'] a b\ncaptured 'hidden\\n'\nTimeitResult ['files', 'kept', 'timing', 'word']\n7 True False\n", run.Stdout);
        Assert.NotNull(Assert.Single(run.Displays)["data"]!["image/svg+xml"]);

        // A magic the appliance refuses says so, as the % line would; libraries asking IPython itself
        // still get None (they then act as in a script), and %who never lists get_ipython.
        var refused = await session.RunAsync("get_ipython().run_line_magic('sx', 'ls')");
        Assert.Equal(("error", "UsageError"), (refused.Status, (string?)refused.Error!["ename"]));
        Assert.Equal("None\n", (await session.RunAsync("from IPython import get_ipython as asked\nprint(asked())")).Stdout);
        Assert.DoesNotContain("get_ipython", (await session.RunAsync("%who")).Stdout, StringComparison.Ordinal);
    }
}
