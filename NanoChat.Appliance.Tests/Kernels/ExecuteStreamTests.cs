using System.Net;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Kernels;

/// <summary>Running cells through POST /api/execute/stream in a real worker with real CPython.</summary>
[Collection(PythonKernelCollection.Name)]
public sealed class ExecuteStreamTests
{
    [Fact]
    public async Task State_is_kept_across_cells_and_the_last_expression_is_shown()
    {
        await using var session = await KernelSession.StartAsync();
        var first = await session.RunAsync("x = 41");
        Assert.Equal("ok", first.Status);
        Assert.True(first.ExecutionId > 0, first.ToString());
        var second = await session.RunAsync("x + 1");
        Assert.Equal("ok", second.Status);
        Assert.Equal("42", second.Result);
        Assert.Equal(2, (int)second.Done["executionCount"]!);
        var silenced = await session.RunAsync("x + 1;");
        Assert.Null(silenced.Result);
    }

    [Fact]
    public async Task Notebooks_have_separate_globals_and_users_separate_kernels()
    {
        await using var session = await KernelSession.StartAsync();
        var other = await KernelSession.CreateNotebookAsync(session.Http, "second");
        await session.RunAsync("secret = 'notebook one'");
        var inOther = await session.RunAsync("'secret' in globals()", notebookId: other);
        Assert.Equal("False", inOther.Result);

        using var bob = await session.Server.SignUpAsync("bob");
        var bobsNotebook = await KernelSession.CreateNotebookAsync(bob.Http);
        var bobRun = await KernelSession.RunAsync(bob.Http, bobsNotebook, "import os; os.getpid(), os.environ['HOME']");
        var mine = await session.RunAsync("import os; os.getpid(), os.environ['HOME']");
        Assert.NotEqual(mine.Result, bobRun.Result);
        Assert.Contains($"workspaces/{bob.Id}'", bobRun.Result, StringComparison.Ordinal);

        // Someone else's notebook is not found, and nothing runs.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/execute/stream") { Content = Json.Body($$"""{"notebookId": {{session.NotebookId}}, "code": "1"}""") };
        using var response = await bob.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Output_of_python_os_system_and_stderr_is_captured_in_order()
    {
        await using var session = await KernelSession.StartAsync();
        var run = await session.RunAsync("""
            import os, sys
            print("from print")
            os.system("echo from-shell; echo shell-err 1>&2")
            print("to stderr", file=sys.stderr)
            !echo bang {1+1}
            """);
        Assert.Equal("ok", run.Status);
        Assert.Equal("from print\nfrom-shell\nbang 2\n", run.Stdout);
        Assert.Equal("shell-err\nto stderr\n", run.Stderr);
    }

    [Fact]
    public async Task Tracebacks_show_the_cells_own_lines()
    {
        await using var session = await KernelSession.StartAsync();
        var run = await session.RunAsync("def f():\n    return 1 / 0\n\nf()");
        Assert.Equal("error", run.Status);
        var error = run.Error!;
        Assert.Equal("ZeroDivisionError", (string?)error["ename"]);
        var traceback = string.Concat(error["traceback"]!.AsArray().Select(line => (string?)line));
        Assert.Contains("return 1 / 0", traceback, StringComparison.Ordinal);
        Assert.Contains("f()", traceback, StringComparison.Ordinal);
        Assert.DoesNotContain("appliance_kernel", traceback, StringComparison.Ordinal);
        Assert.DoesNotContain(error["traceback"]!.AsArray(), line => ((string?)line)!.EndsWith('\n'));

        // A cell that does not parse: its line and the caret, not the compiler's own frames.
        var syntax = (await session.RunAsync("print('a')for x")).Error!;
        var lines = syntax["traceback"]!.AsArray().Select(line => (string)line!).ToList();
        Assert.StartsWith("  File \"<cell In[", lines[0], StringComparison.Ordinal);
        Assert.Equal("    print('a')for x", lines[1]);
        Assert.Equal("SyntaxError: invalid syntax", lines[^1]);
        Assert.DoesNotContain(lines, line => line.Contains("ast.py", StringComparison.Ordinal));
        // One in an imported file keeps the whole story: which import, which file.
        await session.RunAsync("%%writefile broken.py\ndef f(:\n    pass");
        var imported = string.Join("\n", (await session.RunAsync("import broken")).Error!["traceback"]!.AsArray().Select(line => (string)line!));
        Assert.Contains("import broken", imported, StringComparison.Ordinal);
        Assert.Contains("broken.py", imported, StringComparison.Ordinal);

        var magic = await session.RunAsync("%load_ext foo");
        Assert.Equal("error", magic.Status);
        Assert.Contains("not supported", (string?)magic.Error!["evalue"], StringComparison.Ordinal);
        var timed = await session.RunAsync("%time sum(range(10))");
        Assert.Contains("Wall time", timed.Stdout, StringComparison.Ordinal);
        Assert.Equal("45", timed.Result);
    }

    [Fact]
    public async Task Cell_magics_and_help_lines_work_as_in_jupyter()
    {
        await using var session = await KernelSession.StartAsync();
        var written = await session.RunAsync("%%writefile train.py\nprint('training', flush=True)");
        Assert.Equal("Writing train.py\n", written.Stdout);
        var appended = await session.RunAsync("%%writefile -a train.py\nprint('done')\n");
        Assert.Equal("Appending to train.py\n", appended.Stdout);
        Assert.Equal("training\ndone\n", (await session.RunAsync("!python3 train.py")).Stdout);
        Assert.Equal("training\ndone\n", (await session.RunAsync("%run train.py")).Stdout);
        // %run passes its arguments as sys.argv and leaves the script's globals in the notebook.
        await session.RunAsync("%%writefile args.py\nimport sys\nreceived = sys.argv[1:]\nif '--help' in received:\n    sys.exit(0)");
        Assert.Equal("['--depth', '4 layers']", (await session.RunAsync("%run args.py --depth '4 layers'\nreceived")).Result);
        Assert.Equal("ok", (await session.RunAsync("%run args.py --help")).Status);
        Assert.Equal("UsageError", (string?)(await session.RunAsync("%run missing.py")).Error!["ename"]);

        var bash = await session.RunAsync("%%bash\nfor i in 1 2; do echo \"line $i\"; done\necho oops >&2");
        Assert.Equal(("ok", "line 1\nline 2\n", "oops\n"), (bash.Status, bash.Stdout, bash.Stderr));
        var failed = await session.RunAsync("%%sh\nexit 3");
        Assert.Equal(("error", "CalledProcessError"), (failed.Status, (string?)failed.Error!["ename"]));
        Assert.Contains("exited with status 3", (string?)failed.Error["evalue"], StringComparison.Ordinal);
        var refused = await session.RunAsync("%%script ruby\nputs 1");
        Assert.Equal("UsageError", (string?)refused.Error!["ename"]);

        // `name?` on the last line: the lines before it run, then the help is printed.
        var help = await session.RunAsync("def train(steps: int):\n    '''Trains for a while.'''\ntrain?");
        Assert.Equal("ok", help.Status);
        Assert.StartsWith("Signature: train(steps: int)\n", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("Trains for a while.", help.Stdout, StringComparison.Ordinal);
        var unknown = await session.RunAsync("?nothing_here");
        Assert.Equal("NameError", (string?)unknown.Error!["ename"]);
        Assert.Equal("'?'", (await session.RunAsync("question = '?'\nquestion")).Result);
    }

    [Fact]
    public async Task Help_prints_into_the_cell_and_sys_exit_ends_only_the_cell()
    {
        await using var session = await KernelSession.StartAsync();
        // pydoc pages on a terminal; the kernel has none (before: "I/O operation on closed file").
        var help = await session.RunAsync("help(len)");
        Assert.Equal("ok", help.Status);
        Assert.StartsWith("Help on built-in function len in module builtins:\n", help.Stdout, StringComparison.Ordinal);

        await session.RunAsync("kept = 'state'");
        var exited = await session.RunAsync("import sys\nsys.exit(3)");
        Assert.Equal(("error", "SystemExit"), (exited.Status, (string?)exited.Error!["ename"]));
        Assert.Equal(["SystemExit: 3"], exited.Error["traceback"]!.AsArray().Select(line => (string)line!));
        Assert.Equal(["SystemExit"], (await session.RunAsync("exit()")).Error!["traceback"]!.AsArray().Select(line => (string)line!));
        Assert.Equal("'state'", (await session.RunAsync("kept")).Result);
    }

    [Fact]
    public async Task Matplotlib_figures_arrive_as_png_and_display_shows_rich_values()
    {
        await using var session = await KernelSession.StartAsync();
        var run = await session.RunAsync("""
            import matplotlib.pyplot as plt
            from appliance import display
            class Html:
                def _repr_html_(self): return "<b>bold</b>"
            display(Html())
            plt.plot([1, 2, 3])
            """);
        Assert.Equal("ok", run.Status);
        var displays = run.Displays.ToList();
        Assert.Equal("<b>bold</b>", (string?)displays[0]["data"]!["text/html"]);
        var png = Convert.FromBase64String((string)displays.Last()["data"]!["image/png"]!);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
    }

    [Fact]
    public async Task A_hundred_thousand_lines_all_arrive()
    {
        await using var session = await KernelSession.StartAsync();
        var run = await session.RunAsync("for i in range(100000): print(i)");
        Assert.Equal("ok", run.Status);
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(100000, lines.Length);
        Assert.Equal("99999", lines[^1]);
        Assert.True(run.Events.Count < 2000, $"output should travel in batches, got {run.Events.Count} events");
    }
}
