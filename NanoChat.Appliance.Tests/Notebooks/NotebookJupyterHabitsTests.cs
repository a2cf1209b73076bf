using Microsoft.Playwright;
using NanoChat.Appliance.Tests.Infrastructure;
using static NanoChat.Appliance.Tests.Notebooks.EditorSession;

namespace NanoChat.Appliance.Tests.Notebooks;

/// <summary>
/// Habits a Jupyter user brings: Ctrl+S saves at once, Run moves on to the next cell, In/Out
/// prompts, cells copied, cut, pasted, merged and split from the keyboard, the notebook renamed from
/// its title, and command keys that work again right after a button was clicked.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NotebookJupyterHabitsTests(BrowserFixture browser)
{
    private static async Task<string[]> SourcesAsync(IPage page) => [.. await page.Locator(".cell .cm-content").AllInnerTextsAsync()];

    // Records whether the page kept each Ctrl+S keydown from the browser (its Save page).
    private const string WatchSaveKey =
        "() => { window.saveKeys = []; window.addEventListener('keydown', (e) => { if (e.key.toLowerCase() === 's' && (e.ctrlKey || e.metaKey)) window.saveKeys.push(e.defaultPrevented); }); }";

    [BrowserFact]
    public async Task Ctrl_S_saves_at_once_in_both_modes_and_never_opens_the_browsers_save_page()
    {
        await using var session = await EditorSession.StartAsync(browser);
        var id = await session.CreateNotebookAsync("Save key", new { type = "code", source = "" });
        var page = await session.OpenAsync(id);
        await page.EvaluateAsync(WatchSaveKey);

        await Cell(page, 0).Locator(".cm-content").ClickAsync();
        await page.Keyboard.TypeAsync("saved_now = 1");
        // The autosave would wait 2 s after the last key; Ctrl+S sends the save at once.
        var put = page.WaitForRequestAsync(request => request.Method == "PUT" && request.Url.EndsWith($"/api/notebooks/{id}", StringComparison.Ordinal), new() { Timeout = 1_500 });
        await page.Keyboard.PressAsync("Control+s");
        await put;
        await WaitSavedAsync(page);
        Assert.Equal("saved_now = 1", (string)(await session.GetNotebookAsync(id))["cells"]![0]!["source"]!);

        // In command mode too; the keys stay with the notebook.
        await page.Keyboard.PressAsync("Escape");
        await page.Keyboard.PressAsync("b");
        await page.Keyboard.TypeAsync("second = 2");
        await page.Keyboard.PressAsync("Escape");
        put = page.WaitForRequestAsync(request => request.Method == "PUT", new() { Timeout = 1_500 });
        await page.Keyboard.PressAsync("Control+s");
        await put;
        var kept = await page.EvaluateAsync<bool[]>("() => window.saveKeys");
        Assert.Equal(new[] { true, true }, kept);
        Assert.Equal("command", await page.GetAttributeAsync("section.notebook", "data-mode"));
    }

    [BrowserFact]
    public async Task Run_selects_the_next_cell_adds_one_at_the_end_and_the_keys_stay_with_the_notebook()
    {
        await using var session = await EditorSession.StartAsync(browser);
        var id = await session.CreateNotebookAsync("Run moves on",
            new { type = "markdown", source = "# One" },
            new { type = "markdown", source = "*Two*" });
        var page = await session.OpenAsync(id);
        var run = page.GetByRole(AriaRole.Button, new() { Name = "Run cell", Exact = true });

        await run.ClickAsync(); // the first cell is selected on opening
        await Assertions.Expect(Cell(page, 1)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bselected\b"));
        await run.ClickAsync(); // the last cell: Jupyter adds a code cell below and selects it
        await Assertions.Expect(page.Locator(".cell")).ToHaveCountAsync(3);
        await Assertions.Expect(Cell(page, 2)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bselected\b"));
        Assert.Equal("code", await Cell(page, 2).GetAttributeAsync("data-type"));
        Assert.Equal(1, await Cell(page, 1).Locator(".markdown em").CountAsync());

        // The Run button does not keep the keyboard: B inserts a cell at once, in command mode.
        Assert.Equal("command", await page.GetAttributeAsync("section.notebook", "data-mode"));
        await page.Keyboard.PressAsync("b");
        await Assertions.Expect(page.Locator(".cell")).ToHaveCountAsync(4);
    }

    [BrowserFact]
    public async Task Code_cells_show_In_n_and_their_results_Out_n()
    {
        await using var session = await EditorSession.StartAsync(browser);
        var id = await session.CreateNotebookAsync("Prompts",
            new
            {
                type = "code",
                source = "print('side effect')\n6 * 7",
                executionCount = 3,
                outputs = new object[]
                {
                    new { output_type = "stream", name = "stdout", text = "side effect\n" },
                    new { output_type = "execute_result", execution_count = 3, data = new Dictionary<string, object> { ["text/plain"] = "42" }, metadata = new { } },
                },
            },
            new { type = "code", source = "" });
        var page = await session.OpenAsync(id);
        Assert.Equal("In [3]:", await Cell(page, 0).Locator(".prompt").TextContentAsync());
        Assert.Equal("In [ ]:", await Cell(page, 1).Locator(".prompt").TextContentAsync());
        Assert.Equal(["Out[3]:"], await Cell(page, 0).Locator(".output-prompt").AllTextContentsAsync());
        Assert.Equal("42", await Cell(page, 0).Locator(".output-result").TextContentAsync());
        // The label sits in the prompt column, left of the result, right-aligned with In [3]:.
        var input = await Cell(page, 0).Locator(".prompt").BoundingBoxAsync();
        var output = await Cell(page, 0).Locator(".output-prompt").BoundingBoxAsync();
        var result = await Cell(page, 0).Locator(".output-result").BoundingBoxAsync();
        Assert.True(output!.X + output.Width <= result!.X, $"Out[3]: ends at {output.X + output.Width}, the result starts at {result.X}");
        Assert.True(Math.Abs(output.X + output.Width - (input!.X + input.Width)) <= 2, $"Out[3]: ends at {output.X + output.Width}, In [3]: at {input.X + input.Width}");
        await Screenshots.SaveAsync(page, "editor-in-out-prompts");
    }

    [BrowserFact]
    public async Task Cells_are_copied_cut_pasted_merged_and_split_from_the_keyboard()
    {
        await using var session = await EditorSession.StartAsync(browser);
        var id = await session.CreateNotebookAsync("Cell edits",
            new { type = "code", source = "a = 1" },
            new { type = "code", source = "b = 2" },
            new { type = "code", source = "c = 3" });
        var page = await session.OpenAsync(id);
        await Cell(page, 0).Locator(".prompt").ClickAsync();

        await page.Keyboard.PressAsync("c");        // copy "a = 1"
        await page.Keyboard.PressAsync("j");
        await page.Keyboard.PressAsync("v");        // paste below "b = 2"
        Assert.Equal(["a = 1", "b = 2", "a = 1", "c = 3"], await SourcesAsync(page));
        await page.Keyboard.PressAsync("Shift+V");  // and above the pasted one
        Assert.Equal(["a = 1", "b = 2", "a = 1", "a = 1", "c = 3"], await SourcesAsync(page));
        await page.Keyboard.PressAsync("x");        // cut it
        Assert.Equal(["a = 1", "b = 2", "a = 1", "c = 3"], await SourcesAsync(page));
        await page.Keyboard.PressAsync("z");        // Z brings a cut cell back, as a deleted one
        Assert.Equal(["a = 1", "b = 2", "a = 1", "a = 1", "c = 3"], await SourcesAsync(page));
        await page.Keyboard.PressAsync("j");
        var ids = await page.Locator(".cell").EvaluateAllAsync<string[]>("cells => cells.map((c) => c.dataset.cellId)");
        Assert.Equal(ids.Length, ids.Distinct().Count()); // a pasted cell is a new cell

        await page.Keyboard.PressAsync("Shift+M");  // merge the second "a = 1" with the cell below
        Assert.Equal(["a = 1", "b = 2", "a = 1", "a = 1\nc = 3"], await SourcesAsync(page));

        // Split in edit mode at the cursor: the text above it becomes a cell above.
        await Cell(page, 3).Locator(".cm-line").Nth(1).ClickAsync();
        await page.Keyboard.PressAsync("Home");
        await page.Keyboard.PressAsync("Control+Shift+Minus");
        Assert.Equal(["a = 1", "b = 2", "a = 1", "a = 1", "c = 3"], await SourcesAsync(page));
        Assert.Equal("edit", await page.GetAttributeAsync("section.notebook", "data-mode"));

        await WaitSavedAsync(page);
        var saved = (await session.GetNotebookAsync(id))["cells"]!.AsArray().Select(cell => (string)cell!["source"]!).ToArray();
        Assert.Equal(["a = 1", "b = 2", "a = 1", "a = 1", "c = 3"], saved);
        // The help lists the new keys.
        await page.Keyboard.PressAsync("Escape");
        await page.Keyboard.PressAsync("?");
        await Assertions.Expect(page.Locator("#help-dialog")).ToContainTextAsync("Merge the cell with the one below");
        await Assertions.Expect(page.Locator("#help-dialog")).ToContainTextAsync("Split the cell at the cursor");
    }

    [BrowserFact]
    public async Task A_traceback_is_coloured_and_the_line_that_failed_is_marked_in_it_and_in_the_cell()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var id = await session.CreateNotebookAsync("Traceback", new { type = "code", source = "def scale(n):\n    doubled = n * 2\n    return doubled / 0\n\nscale(21)" });
        var page = await session.OpenAsync(id);
        await Cell(page, 0).Locator(".cm-content").ClickAsync();
        await page.Keyboard.PressAsync("Control+Enter");
        await WaitStateAsync(page, 0, "error");

        var error = Cell(page, 0).Locator(".output-error");
        Assert.Equal("ZeroDivisionError", await error.Locator(".tb-ename").TextContentAsync());
        Assert.Equal("    return doubled / 0", await error.Locator(".tb-failing").TextContentAsync());
        Assert.Equal(2, await error.Locator(".tb-frame").CountAsync());
        var colours = await error.EvaluateAsync<string[]>("e => ['.tb-frame', '.tb-ename', '.tb-failing'].map((s) => getComputedStyle(e.querySelector(s)).color)");
        Assert.Equal(3, colours.Distinct().Count());
        // The cell marks the same line (its third), until the source changes.
        var marked = Cell(page, 0).Locator(".cm-line.cm-failing-line");
        Assert.Equal(["    return doubled / 0"], await marked.AllTextContentsAsync());
        await Screenshots.SaveAsync(page, "editor-traceback");
        await page.Keyboard.TypeAsync(" ");
        await Assertions.Expect(marked).ToHaveCountAsync(0);

        // After a reload the stored traceback is coloured the same way.
        await ReloadWhenSavedAsync(page);
        Assert.Equal("    return doubled / 0", await Cell(page, 0).Locator(".output-error .tb-failing").TextContentAsync());
    }

    [BrowserFact]
    public async Task Command_keys_work_right_after_clicking_a_button_in_an_output()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var id = await session.CreateNotebookAsync("Output button",
            new { type = "code", source = "import ipywidgets as widgets\nclicks = []\nbutton = widgets.Button(description='Sample')\nbutton.on_click(lambda b: clicks.append(1))\ndisplay(button)" },
            new { type = "code", source = "len(clicks)" });
        var page = await session.OpenAsync(id);
        await RunSelectedCellAsync(page);
        await Cell(page, 0).GetByRole(AriaRole.Button, new() { Name = "Sample" }).ClickAsync();

        // Jupyter's command mode on the button's cell: B inserts a cell below it at once.
        await Assertions.Expect(page.Locator("section.notebook")).ToHaveAttributeAsync("data-mode", "command");
        await Assertions.Expect(Cell(page, 0)).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bselected\b"));
        await page.Keyboard.PressAsync("b");
        await Assertions.Expect(page.Locator(".cell")).ToHaveCountAsync(3);
        Assert.Equal("", await Cell(page, 1).Locator(".cm-content").TextContentAsync());
    }

    [BrowserFact]
    public async Task The_notebook_is_renamed_by_clicking_its_title()
    {
        await using var session = await EditorSession.StartAsync(browser);
        var id = await session.CreateNotebookAsync("Untitled", new { type = "code", source = "x = 1" });
        var page = await session.OpenAsync(id);
        await page.GetByRole(AriaRole.Button, new() { Name = "Rename the notebook “Untitled”" }).ClickAsync();
        var field = page.GetByRole(AriaRole.Textbox, new() { Name = "Notebook name" });
        await field.FillAsync("Week 1: bigrams");
        await field.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#notebook-title")).ToHaveTextAsync("Week 1: bigrams");
        await WaitSavedAsync(page);
        Assert.Equal("Week 1: bigrams", (string)(await session.GetNotebookAsync(id))["name"]!);
        Assert.StartsWith("Week 1: bigrams", await page.TitleAsync(), StringComparison.Ordinal);
        await Assertions.Expect(page.Locator(".breadcrumbs")).ToContainTextAsync("Week 1: bigrams");

        // Esc keeps the old name; so does an empty one.
        await page.Locator("#notebook-title button").ClickAsync();
        await field.FillAsync("Discarded");
        await field.PressAsync("Escape");
        await page.Locator("#notebook-title button").ClickAsync();
        await field.FillAsync("   ");
        await field.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#notebook-title")).ToHaveTextAsync("Week 1: bigrams");
        await ReloadWhenSavedAsync(page);
        await Assertions.Expect(page.Locator("#notebook-title")).ToHaveTextAsync("Week 1: bigrams");
        // The rename is one more revision in the history.
        Assert.True((long)(await session.GetNotebookAsync(id))["revision"]! >= 2);
    }
}
