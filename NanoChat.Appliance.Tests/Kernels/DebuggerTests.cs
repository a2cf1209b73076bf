using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace NanoChat.Appliance.Tests.Kernels;

/// <summary>
/// Python's debugger in a cell, its `(Pdb)` prompt answered through the page's input field:
/// breakpoint(), %debug at the last error, %pdb on. Interrupt or `q` at the prompt ends the cell
/// (before, Interrupt only got another prompt and the kernel was killed after the grace period),
/// and an error's frames are let go at the next cell instead of holding their memory.
/// </summary>
[Collection(PythonKernelCollection.Name)]
public sealed class DebuggerTests
{
    [Fact]
    public async Task Breakpoint_stops_in_the_cell_and_next_goes_on_to_its_last_line()
    {
        await using var session = await KernelSession.StartAsync();
        var run = await session.RunAnsweringAsync("steps = 41\nbreakpoint()\nsteps += 1\nsteps", "p steps", "n", "p steps", "c");
        Assert.Equal(("ok", "42"), (run.Status, run.Result));
        Assert.StartsWith("> <cell In[1]>(3)<module>()\n-> steps += 1\n(Pdb) p steps\n41\n(Pdb) n\n> <cell In[1]>(4)<module>()\n-> steps\n(Pdb) p steps\n42\n", run.Stdout, StringComparison.Ordinal);
        Assert.Equal(["(Pdb) "], run.Events.Where(e => (string?)e.Data["type"] == "input_request").Select(e => (string)e.Data["prompt"]!).Distinct());

        var quit = await session.RunAnsweringAsync("breakpoint()\nprint('not reached')", "q");
        Assert.Equal(("interrupted", "BdbQuit"), (quit.Status, (string?)quit.Error!["ename"]));
        Assert.DoesNotContain("\nnot reached\n", quit.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Interrupt_at_the_debuggers_prompt_ends_the_cell_and_keeps_the_kernel()
    {
        await using var session = await KernelSession.StartAsync(options => options.Kernels.InterruptGraceSeconds = 3);
        await session.RunAsync("kept = 'state'");
        var running = session.RunAsync("breakpoint()\nprint('not reached')");
        await InputTests.WaitForQuestionAsync(session);
        var pid = (long)(await session.Http.GetFromJsonAsync<JsonObject>("/api/kernel"))!["pid"]!;
        (await session.Http.PostAsync("/api/kernel/interrupt", null)).EnsureSuccessStatusCode();
        var run = await running.WaitAsync(TimeSpan.FromSeconds(2)); // well within the grace period
        Assert.Equal(("interrupted", "BdbQuit"), (run.Status, (string?)run.Error!["ename"]));
        await Task.Delay(TimeSpan.FromSeconds(3.5)); // past the grace period: the worker must still be the same
        Assert.Equal("'state'", (await session.RunAsync("kept")).Result);
        Assert.Equal(pid, (long)(await session.Http.GetFromJsonAsync<JsonObject>("/api/kernel"))!["pid"]!);
    }

    [Fact]
    public async Task Debug_opens_at_the_last_error_and_pdb_on_at_every_error()
    {
        await using var session = await KernelSession.StartAsync();
        Assert.Equal("No traceback has been produced, nothing to debug.\n", (await session.RunAsync("%debug")).Stdout);
        var failed = await session.RunAsync("def scale(n):\n    doubled = n * 2\n    return doubled / 0\ndef train():\n    factor = 21\n    return scale(factor)\ntrain()");
        Assert.Equal("ZeroDivisionError", (string?)failed.Error!["ename"]);
        var debugged = await session.RunAnsweringAsync("%debug", "p doubled", "up", "p factor", "q");
        Assert.Equal("ok", debugged.Status);
        Assert.Contains("-> return doubled / 0\n(Pdb) p doubled\n42\n", debugged.Stdout, StringComparison.Ordinal);
        Assert.Contains("-> return scale(factor)\n(Pdb) p factor\n21\n", debugged.Stdout, StringComparison.Ordinal);

        Assert.Equal("Automatic pdb calling has been turned ON\n", (await session.RunAsync("%pdb on")).Stdout);
        var automatic = await session.RunAnsweringAsync("def check(loss):\n    assert loss < 1, 'diverged'\ncheck(7.5)", "p loss", "q");
        Assert.Equal(("error", "AssertionError"), (automatic.Status, (string?)automatic.Error!["ename"]));
        Assert.Contains("(Pdb) p loss\n7.5\n", automatic.Stdout, StringComparison.Ordinal);
        Assert.Equal("Automatic pdb calling has been turned OFF\n", (await session.RunAsync("%pdb off")).Stdout);
        Assert.Equal("error", (await session.RunAnsweringAsync("1 / 0")).Status); // off: no debugger asks
    }

    [Fact]
    public async Task The_next_cell_lets_go_of_an_errors_frames()
    {
        await using var session = await KernelSession.StartAsync();
        await session.RunAsync("import gc, weakref\nclass Activations: pass\ndef forward():\n    big = Activations()\n    global alive\n    alive = weakref.ref(big)\n    raise MemoryError('out of memory')");
        Assert.Equal("MemoryError", (string?)(await session.RunAsync("forward()")).Error!["ename"]);
        // In Jupyter the traceback (sys.last_traceback) keeps `big` until the next error; here the
        // next cell that is not %debug releases it.
        Assert.Equal("True", (await session.RunAsync("gc.collect()\nalive() is None")).Result);
        Assert.Equal("No traceback has been produced, nothing to debug.\n", (await session.RunAsync("%debug")).Stdout);
    }
}
