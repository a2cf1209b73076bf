using Microsoft.Playwright;
using NanoChat.Appliance.Tests.Infrastructure;
using static NanoChat.Appliance.Tests.Notebooks.EditorSession;

namespace NanoChat.Appliance.Tests.Notebooks;

/// <summary>
/// The editor with a real kernel (a sandboxed worker running Debian's python3): run by button and by
/// Shift+Enter with output streaming in, Run all stopping at the first error, interrupting a busy
/// loop, and re-attaching to a running cell after the page was closed.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NotebookKernelTests(BrowserFixture browser)
{
    private const string SlowPrint = "import time\nfor i in range(6):\n    print(f'step {i}', flush=True)\n    time.sleep(0.4)";

    // A notebook whose first cell has run in the kernel, with the cursor in the empty second cell.
    private static async Task<IPage> RunFirstCellThenEditAnEmptyOneAsync(EditorSession session, string name, string firstSource)
    {
        var id = await session.CreateNotebookAsync(name, new { type = "code", source = firstSource }, new { type = "code", source = "" });
        var page = await session.OpenAsync(id);
        await Cell(page, 0).Locator(".cm-content").ClickAsync();
        await page.Keyboard.PressAsync("Control+Enter");
        await WaitStateAsync(page, 0, "done");
        await Cell(page, 1).Locator(".cm-content").ClickAsync();
        return page;
    }

    [BrowserFact]
    public async Task Tab_completes_names_the_kernel_knows_and_indents_elsewhere()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var page = await RunFirstCellThenEditAnEmptyOneAsync(session, "Complete", "my_long_variable = 42");
        await page.Keyboard.TypeAsync("my_lo");
        await page.Keyboard.PressAsync("Tab");
        await page.Locator(".cm-tooltip-autocomplete li", new() { HasText = "my_long_variable" }).WaitForAsync(new() { Timeout = 30_000 });
        // Beside the list: the kernel's help on the selected candidate.
        await page.Locator(".cm-completionInfo", new() { HasText = "Value: 42" }).WaitForAsync(new() { Timeout = 30_000 });
        await Screenshots.SaveAsync(page, "editor-completion");
        // CodeMirror ignores keys for 75 ms after the list opens (interactionDelay: a key pressed
        // before a person could see the list is not meant for it); a person is slower than that.
        await page.WaitForTimeoutAsync(150);
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("my_long_variable", await Cell(page, 1).Locator(".cm-line").First.TextContentAsync());
        Assert.Equal(0, await page.Locator(".cm-tooltip-autocomplete").CountAsync());

        // At the start of a line Tab indents, as before.
        await page.Keyboard.PressAsync("End");
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.PressAsync("Tab");
        var indent = await Cell(page, 1).Locator(".cm-line").Nth(1).TextContentAsync();
        Assert.True(indent is { Length: > 0 } && indent.Trim().Length == 0, $"second line is '{indent}'");
        Assert.Equal(0, await page.Locator(".cm-tooltip-autocomplete").CountAsync());

        // In a markdown cell Tab after a word indents too: completion is for code.
        await Cell(page, 0).Locator(".cm-content").ClickAsync();
        await page.Keyboard.PressAsync("Escape");
        await page.Keyboard.PressAsync("b"); // a new code cell below, in edit mode
        await page.Keyboard.PressAsync("Escape");
        await page.Keyboard.PressAsync("m");
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.TypeAsync("word");
        await page.Keyboard.PressAsync("Tab");
        Assert.EndsWith("word", (await Cell(page, 1).Locator(".cm-line").First.TextContentAsync())!.TrimEnd());
        Assert.NotEqual("word", await Cell(page, 1).Locator(".cm-line").First.TextContentAsync());
    }

    [BrowserFact]
    public async Task Shift_tab_shows_the_kernels_help_for_the_call_and_unindents_at_a_line_start()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var page = await RunFirstCellThenEditAnEmptyOneAsync(session, "Help", "def train(steps, lr=0.1):\n    '''Trains the tiny model.'''\n    return steps");
        await page.Keyboard.TypeAsync("train(");
        await page.Keyboard.PressAsync("Shift+Tab");
        var help = page.Locator(".cm-tooltip.cm-help");
        await help.WaitForAsync(new() { Timeout = 30_000 });
        Assert.Contains("Signature: train(steps, lr=0.1)", await help.TextContentAsync(), StringComparison.Ordinal);
        Assert.Contains("Trains the tiny model.", await help.TextContentAsync(), StringComparison.Ordinal);
        await Screenshots.SaveAsync(page, "editor-help");

        // Esc closes the help and stays in edit mode; typing closes it too.
        await page.Keyboard.PressAsync("Escape");
        await help.WaitForAsync(new() { State = WaitForSelectorState.Detached });
        Assert.Equal("edit", await page.GetAttributeAsync("section.notebook", "data-mode"));
        await page.Keyboard.PressAsync("Shift+Tab");
        await help.WaitForAsync();
        await page.Keyboard.TypeAsync("5");
        await help.WaitForAsync(new() { State = WaitForSelectorState.Detached });
        Assert.Equal("train(5)", await Cell(page, 1).Locator(".cm-line").First.TextContentAsync());

        // At the start of a line Shift+Tab unindents, as before, and asks nothing.
        await page.Keyboard.PressAsync("End");
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Shift+Tab");
        Assert.Equal("", await Cell(page, 1).Locator(".cm-line").Nth(1).TextContentAsync());
        Assert.Equal(0, await help.CountAsync());
    }

    [BrowserFact]
    public async Task Cells_run_by_button_and_shift_enter_with_streamed_output_and_outputs_are_saved()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var id = await session.CreateNotebookAsync("Run",
            new { type = "code", source = SlowPrint },
            new { type = "code", source = "import sys\nfor p in range(0, 101, 10):\n    print(f'\\rprogress {p}%', end='', flush=True)\nprint()\nprint('\\x1b[31mred text\\x1b[0m')\nprint('careful', file=sys.stderr)\n21 * 2" },
            new { type = "code", source = "def boom():\n    return 1 / 0\nboom()" });
        var page = await session.OpenAsync(id);

        await Cell(page, 0).Locator(".prompt").ClickAsync();
        await ClickRunAsync(page);
        // Streamed: the first lines are on the page while the cell still runs.
        await page.WaitForFunctionAsync("() => document.querySelector('.cell .output-stdout')?.textContent.includes('step 1')", null, new() { Timeout = 60_000 });
        Assert.Equal("running", await Cell(page, 0).GetAttributeAsync("data-state"));
        await WaitStateAsync(page, 0, "done");
        Assert.Equal("In [1]:", await Cell(page, 0).Locator(".prompt").TextContentAsync());
        Assert.Contains("step 5", await Cell(page, 0).Locator(".output-stdout").TextContentAsync());

        // Shift+Enter on the second cell: progress bar in place, ANSI colour, stderr, a result.
        await Cell(page, 1).Locator(".cm-content").ClickAsync();
        await page.Keyboard.PressAsync("Shift+Enter");
        await WaitStateAsync(page, 1, "done");
        var stdout = await Cell(page, 1).Locator(".output-stdout").TextContentAsync();
        Assert.StartsWith("progress 100%\n", stdout);
        Assert.DoesNotContain("progress 90%", stdout);
        Assert.Equal(1, await Cell(page, 1).Locator(".output-stdout .ansi-red-fg").CountAsync());
        Assert.Equal("careful\n", await Cell(page, 1).Locator(".output-stderr").TextContentAsync());
        Assert.Equal("42", await Cell(page, 1).Locator(".output-result").TextContentAsync());
        Assert.Contains("selected", await Cell(page, 2).GetAttributeAsync("class"));

        // The error cell: a readable traceback and the error state.
        await page.Keyboard.PressAsync("Control+Enter");
        await WaitStateAsync(page, 2, "error");
        var traceback = await Cell(page, 2).Locator(".output-error").TextContentAsync();
        Assert.Contains("ZeroDivisionError", traceback);
        Assert.DoesNotContain("\n\n", traceback); // one line per line, not double-spaced
        await Screenshots.SaveAsync(page, "editor-run");

        // Outputs are stored with the notebook and shown after a reload.
        await EditorSession.ReloadWhenSavedAsync(page);
        Assert.Contains("step 5", await Cell(page, 0).Locator(".output-stdout").TextContentAsync());
        Assert.Equal("42", await Cell(page, 1).Locator(".output-result").TextContentAsync());
        Assert.Contains("ZeroDivisionError", await Cell(page, 2).Locator(".output-error").TextContentAsync());
    }

    [BrowserFact]
    public async Task Run_all_stops_at_the_first_error()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var id = await session.CreateNotebookAsync("Run all",
            new { type = "code", source = "a = 1\nprint('first')" },
            new { type = "code", source = "raise ValueError('stop here')" },
            new { type = "code", source = "print('never')" });
        var page = await session.OpenAsync(id);
        await page.GetByRole(AriaRole.Button, new() { Name = "Run all", Exact = true }).ClickAsync();
        await WaitStateAsync(page, 1, "error");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('.cell')[2].dataset.state === 'idle'");
        Assert.Equal(0, await Cell(page, 2).Locator(".output").CountAsync());
        Assert.Contains("ValueError", await Cell(page, 1).Locator(".output-error").TextContentAsync());
    }

    [BrowserFact]
    public async Task Interrupt_stops_a_busy_loop()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var id = await session.CreateNotebookAsync("Busy", new { type = "code", source = "print('spinning', flush=True)\nwhile True:\n    pass" });
        var page = await session.OpenAsync(id);
        await ClickRunAsync(page);
        await page.WaitForFunctionAsync("() => document.querySelector('.output-stdout')?.textContent.includes('spinning')", null, new() { Timeout = 60_000 });
        await page.WaitForFunctionAsync("() => document.querySelector('#kernel-badge').dataset.state === 'busy'");
        await page.GetByRole(AriaRole.Button, new() { Name = "Interrupt", Exact = true }).ClickAsync();
        await page.WaitForFunctionAsync("() => ['interrupted', 'error', 'killed'].includes(document.querySelector('.cell').dataset.state)", null, new() { Timeout = 30_000 });
        Assert.Contains("KeyboardInterrupt", await Cell(page, 0).Locator(".outputs").TextContentAsync());
        await page.WaitForFunctionAsync("() => document.querySelector('#kernel-badge').dataset.state === 'idle'", null, new() { Timeout = 20_000 });
    }

    [BrowserFact]
    public async Task Closing_the_page_mid_run_does_not_stop_the_cell_and_reopening_follows_it()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var id = await session.CreateNotebookAsync("Reconnect", new { type = "code", source = "import time\nfor i in range(12):\n    print(f'tick {i}', flush=True)\n    time.sleep(0.5)" });
        var page = await session.OpenAsync(id);
        await ClickRunAsync(page);
        await page.WaitForFunctionAsync("() => document.querySelector('.output-stdout')?.textContent.includes('tick 1')", null, new() { Timeout = 60_000 });
        await page.Context.CloseAsync();

        var again = await session.OpenAsync(id);
        // Re-attached: the output from before the close is replayed and the rest follows.
        await again.WaitForFunctionAsync("() => document.querySelector('.output-stdout')?.textContent.includes('tick 0')", null, new() { Timeout = 20_000 });
        Assert.Equal("running", await Cell(again, 0).GetAttributeAsync("data-state"));
        await WaitStateAsync(again, 0, "done");
        var text = await Cell(again, 0).Locator(".output-stdout").TextContentAsync();
        Assert.Equal(string.Concat(Enumerable.Range(0, 12).Select(i => $"tick {i}\n")), text);
        await EditorSession.WaitSavedAsync(again);
        var stored = (await session.GetNotebookAsync(id))["cells"]![0]!["outputs"]![0]!;
        Assert.Contains("tick 11", (string)stored["text"]!);
    }

    [BrowserFact]
    public async Task Restart_kernel_forgets_variables_and_the_badge_follows_the_kernel()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var id = await session.CreateNotebookAsync("Restart",
            new { type = "code", source = "remembered = 42" },
            new { type = "code", source = "print(remembered)" });
        var page = await session.OpenAsync(id);
        await page.GetByRole(AriaRole.Button, new() { Name = "Run all", Exact = true }).ClickAsync();
        await WaitStateAsync(page, 1, "done");
        Assert.Equal("42\n", await Cell(page, 1).Locator(".output-stdout").TextContentAsync());
        await page.WaitForFunctionAsync("() => /idle · [\\d.]+ [KMG]B/.test(document.querySelector('#kernel-badge').textContent)", null, new() { Timeout = 30_000 });
        Assert.Matches(@"Kernel: idle · [\d.]+ [KMG]B", await page.Locator("#kernel-badge").TextContentAsync());

        await page.GetByRole(AriaRole.Button, new() { Name = "Restart kernel", Exact = true }).ClickAsync();
        await page.Locator(".confirm-dialog").GetByRole(AriaRole.Button, new() { Name = "Restart", Exact = true }).ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('#kernel-badge').dataset.state === 'idle'", null, new() { Timeout = 60_000 });
        await Cell(page, 1).Locator(".prompt").ClickAsync();
        await RunSelectedCellAsync(page, 1, "error");
        Assert.Contains("NameError", await Cell(page, 1).Locator(".output-error").TextContentAsync());
        Assert.Equal("In [1]:", await Cell(page, 1).Locator(".prompt").TextContentAsync());
    }

    [BrowserFact]
    public async Task Output_produced_while_the_page_was_closed_is_shown_and_stored_on_reopening()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var id = await session.CreateNotebookAsync("Away", new { type = "code", source = "import time\nprint('before', flush=True)\ntime.sleep(2)\nprint('while away')" });
        var page = await session.OpenAsync(id);
        await ClickRunAsync(page);
        await page.WaitForFunctionAsync("() => document.querySelector('.output-stdout')?.textContent.includes('before')", null, new() { Timeout = 60_000 });
        await page.Context.CloseAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !(await session.User.Http.GetStringAsync($"/api/notebooks/{id}/executions")).Contains("\"ok\"", StringComparison.Ordinal))
            await Task.Delay(200);

        var again = await session.OpenAsync(id);
        await again.WaitForFunctionAsync("() => document.querySelector('.output-stdout')?.textContent === 'before\\nwhile away\\n'");
        Assert.Equal("done", await Cell(again, 0).GetAttributeAsync("data-state"));
        await EditorSession.WaitSavedAsync(again);
        Assert.Equal("before\nwhile away\n", (string)(await session.GetNotebookAsync(id))["cells"]![0]!["outputs"]![0]!["text"]!);
    }

    private const string RichOutputCode = """
        import base64
        PNG = base64.b64decode('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==')
        class Figure:
            def _repr_png_(self):
                return PNG
        class Hostile:
            def _repr_html_(self):
                return "<p>from the kernel</p><script>document.body.dataset.ran = 'yes'; try { parent.document.title = 'pwned'; } catch (e) { document.body.dataset.blocked = 'yes'; }</script><img src=x onerror=\"try { parent.stolen = document.cookie } catch (e) {}\">"
        display(Figure())
        Hostile()
        """;

    [BrowserFact]
    public async Task Rich_outputs_from_the_kernel_render_and_html_runs_only_in_the_sandboxed_frame()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var id = await session.CreateNotebookAsync("Rich", new { type = "code", source = RichOutputCode });
        var page = await session.OpenAsync(id);
        var title = await page.TitleAsync();
        await RunSelectedCellAsync(page, 0, "done");
        Assert.StartsWith("data:image/png;base64,", await page.Locator(".cell img.output-image").GetAttributeAsync("src"));
        Assert.Equal(1, await page.Locator(".cell iframe.output-frame[sandbox='allow-scripts']").CountAsync());
        // The iframe element exists before its document has navigated: wait for the frame itself.
        IFrame? frame = null;
        for (var waited = 0; frame is null && waited < 10_000; waited += 100)
        {
            frame = page.Frames.FirstOrDefault(f => f != page.MainFrame && f.Url.EndsWith("/output-frame", StringComparison.Ordinal));
            if (frame is null)
                await Task.Delay(100);
        }
        Assert.True(frame is not null, "the output frame never loaded /output-frame");
        await frame.WaitForFunctionAsync("() => document.body.dataset.ran === 'yes' && document.body.dataset.blocked === 'yes'");
        Assert.Equal(title, await page.TitleAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => window.stolen === undefined"));
        await Screenshots.SaveAsync(page, "editor-rich-outputs");
    }

    [BrowserFact]
    public async Task Long_output_keeps_head_and_tail_and_the_full_log_downloads()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var id = await session.CreateNotebookAsync("Long", new { type = "code", source = "for i in range(5000):\n    print(f'row {i}')" });
        var page = await session.OpenAsync(id);
        await RunSelectedCellAsync(page, 0, "done");
        var shown = await page.Locator(".output-stdout").TextContentAsync();
        Assert.StartsWith("row 0\n", shown);
        Assert.EndsWith("row 4999\n", shown);
        Assert.Contains("lines not shown here", shown);
        Assert.DoesNotContain("row 2500\n", shown);

        var download = await page.RunAndWaitForDownloadAsync(() =>
            page.GetByRole(AriaRole.Button, new() { Name = "Download the full log" }).ClickAsync());
        var path = await download.PathAsync();
        var lines = await File.ReadAllLinesAsync(path!);
        Assert.Equal(5000, lines.Length);
        Assert.Equal("row 2500", lines[2500]);
    }
}
