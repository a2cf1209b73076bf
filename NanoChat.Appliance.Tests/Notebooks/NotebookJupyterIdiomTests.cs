using Microsoft.Playwright;
using NanoChat.Appliance.Tests.Infrastructure;
using static NanoChat.Appliance.Tests.Notebooks.EditorSession;

namespace NanoChat.Appliance.Tests.Notebooks;

/// <summary>
/// What notebooks written for Jupyter do, in the editor with a real kernel: a live cell redrawn with
/// clear_output, input() answered in a field under the cell, and display_id outputs replaced from a
/// later cell; each survives a reload as stored.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NotebookJupyterIdiomTests(BrowserFixture browser)
{
    [BrowserFact]
    public async Task A_live_cell_using_clear_output_shows_only_its_latest_state_and_markdown_and_math_render()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var id = await session.CreateNotebookAsync("Live", new
        {
            type = "code",
            source = "from IPython.display import clear_output, display, Markdown, Math\nimport time\n" +
                "for step in range(5):\n    clear_output(wait=True)\n    print(f'step {step}')\n" +
                "    display(Markdown(f'**loss** at step {step}'))\n    time.sleep(0.4)\n" +
                "display(Math(r'\\frac{1}{2}'))",
        });
        var page = await session.OpenAsync(id);
        // Every change to the cell's outputs is recorded as it happens, so a loaded machine that
        // paints rarely cannot skip the moment the test looks at.
        await page.EvaluateAsync(@"() => {
            const cell = document.querySelector('.cell');
            window.__rounds = { most: 0, texts: [] };
            new MutationObserver(() => {
                const shown = cell.querySelectorAll('.output-stdout');
                window.__rounds.most = Math.max(window.__rounds.most, shown.length);
                const text = shown[0]?.textContent;
                if (text && window.__rounds.texts.at(-1) !== text) window.__rounds.texts.push(text);
            }).observe(cell, { childList: true, subtree: true, characterData: true });
        }");
        await ClickRunAsync(page);

        // While it runs, each round replaces the last: never two rounds on the page at once.
        await page.WaitForFunctionAsync("() => /^step [1-3]\\n$/.test(document.querySelector('.cell .output-stdout')?.textContent ?? '')", null, new() { Timeout = 60_000 });
        Assert.Equal("running", await Cell(page, 0).GetAttributeAsync("data-state"));
        await WaitStateAsync(page, 0, "done");
        Assert.Equal(1, await page.EvaluateAsync<int>("() => window.__rounds.most"));
        var texts = await page.EvaluateAsync<string[]>("() => window.__rounds.texts");
        Assert.True(texts.Length >= 3, $"rounds seen: {string.Join(" | ", texts)}");
        Assert.All(texts, text => Assert.Matches(@"^step [0-4]\n$", text));

        async Task AssertLatestStateAsync()
        {
            Assert.Equal("step 4\n", await Cell(page, 0).Locator(".output-stdout").TextContentAsync());
            // Markdown and LaTeX outputs go through the server's sanitizer and KaTeX, like markdown cells.
            await page.WaitForFunctionAsync("() => document.querySelector('.cell .output-markdown strong')?.textContent === 'loss' && document.querySelector('.cell .output-markdown .katex')");
            Assert.Equal(2, await Cell(page, 0).Locator(".output-markdown").CountAsync());
            Assert.Contains("at step 4", await Cell(page, 0).Locator(".output-markdown").First.TextContentAsync());
        }
        await AssertLatestStateAsync();
        await Screenshots.SaveAsync(page, "editor-clear-output");

        await EditorSession.ReloadWhenSavedAsync(page);
        await AssertLatestStateAsync();
    }

    [BrowserFact]
    public async Task Input_shows_a_field_under_the_cell_and_the_answer_goes_on_in_the_same_run()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var id = await session.CreateNotebookAsync("Input",
            new { type = "code", source = "import threading, time\ndef chatter():\n    for i in range(3):\n        print('tick', i, flush=True)\n        time.sleep(0.1)\nthreading.Thread(target=chatter).start()\nname = input('Your name? ')\nprint('hello', name)" },
            new { type = "code", source = "print('next')" });
        var page = await session.OpenAsync(id);
        await ClickRunAsync(page);

        var field = Cell(page, 0).GetByRole(AriaRole.Textbox, new() { Name = "Your name?" });
        await field.WaitForAsync(new() { Timeout = 60_000 });
        Assert.Equal("running", await Cell(page, 0).GetAttributeAsync("data-state"));
        await page.WaitForFunctionAsync("() => document.activeElement?.closest('.output-input') !== null");
        // A thread printing meanwhile does not take the question away.
        await page.WaitForFunctionAsync("() => document.querySelector('.cell .output-stdout')?.textContent.includes('tick 2')");
        Assert.True(await field.IsVisibleAsync());
        await field.FocusAsync();
        // Typing there is the answer, never a command-mode shortcut (D, D deletes a cell).
        await page.Keyboard.TypeAsync("ddAda");
        await page.Keyboard.PressAsync("Enter");
        await WaitStateAsync(page, 0, "done");
        Assert.EndsWith("Your name? ddAda\nhello ddAda\n", await Cell(page, 0).Locator(".output-stdout").TextContentAsync());
        Assert.Equal(0, await page.Locator(".output-input").CountAsync());
        Assert.Equal(2, await page.Locator(".cell").CountAsync());

        await EditorSession.ReloadWhenSavedAsync(page);
        Assert.EndsWith("Your name? ddAda\nhello ddAda\n", await Cell(page, 0).Locator(".output-stdout").TextContentAsync());
        Assert.Equal(0, await page.Locator(".output-input").CountAsync());
    }

    [BrowserFact]
    public async Task A_getpass_field_hides_what_is_typed_and_the_output_shows_dots()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var id = await session.CreateNotebookAsync("Secret", new { type = "code", source = "import getpass\ntoken = getpass.getpass('Token: ')\nlen(token)" });
        var page = await session.OpenAsync(id);
        await ClickRunAsync(page);
        var field = Cell(page, 0).Locator(".output-input input");
        await field.WaitForAsync(new() { Timeout = 60_000 });
        Assert.Equal("password", await field.GetAttributeAsync("type"));
        await field.FillAsync("abc123");
        await field.PressAsync("Enter");
        await WaitStateAsync(page, 0, "done");
        Assert.Equal("Token: ········\n", await Cell(page, 0).Locator(".output-stdout").TextContentAsync());
        Assert.DoesNotContain("abc123", await Cell(page, 0).InnerTextAsync(), StringComparison.Ordinal);
    }

    [BrowserFact]
    public async Task Load_puts_the_files_text_into_the_cell_to_run_and_save()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var id = await session.CreateNotebookAsync("Exercise",
            new { type = "code", source = "%%writefile solution.py\nprint('solved')" },
            new { type = "code", source = "%load solution.py" });
        var page = await session.OpenAsync(id);
        await page.GetByRole(AriaRole.Button, new() { Name = "Run all", Exact = true }).ClickAsync();
        await WaitStateAsync(page, 1, "done");
        Assert.Equal("# %load solution.py\nprint('solved')", await Cell(page, 1).Locator(".cm-content").InnerTextAsync());
        Assert.Equal(0, await Cell(page, 1).Locator(".output-stdout").CountAsync()); // loaded, not run

        await Cell(page, 1).Locator(".cm-content").ClickAsync();
        await ClickRunAsync(page);
        await page.WaitForFunctionAsync("() => document.querySelectorAll('.cell')[1].querySelector('.output-stdout')?.textContent === 'solved\\n'");
        await EditorSession.ReloadWhenSavedAsync(page);
        Assert.Contains("# %load solution.py", await Cell(page, 1).Locator(".cm-content").InnerTextAsync(), StringComparison.Ordinal);
    }

    [BrowserFact]
    public async Task The_debuggers_prompt_is_the_input_field_one_command_after_another()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var id = await session.CreateNotebookAsync("Debugger",
            new { type = "code", source = "def scale(n):\n    doubled = n * 2\n    return doubled / 0\nscale(21)" },
            new { type = "code", source = "%debug" });
        var page = await session.OpenAsync(id);
        await RunSelectedCellAsync(page, 0, "error");
        await Cell(page, 1).Locator(".cm-content").ClickAsync();
        await ClickRunAsync(page);

        foreach (var (command, answer) in new[] { ("p doubled", "(Pdb) p doubled\n42\n"), ("bt", "-> return doubled / 0\n") })
        {
            var field = Cell(page, 1).GetByRole(AriaRole.Textbox, new() { Name = "(Pdb)" });
            await field.WaitForAsync(new() { Timeout = 60_000 });
            await field.FocusAsync();
            await page.Keyboard.TypeAsync(command);
            await page.Keyboard.PressAsync("Enter");
            await page.WaitForFunctionAsync("text => document.querySelectorAll('.cell')[1].querySelector('.output-stdout')?.textContent.endsWith(text)", answer);
        }
        await Cell(page, 1).GetByRole(AriaRole.Textbox, new() { Name = "(Pdb)" }).FillAsync("q");
        await page.Keyboard.PressAsync("Enter");
        await WaitStateAsync(page, 1, "done");
        Assert.Equal(0, await page.Locator(".output-input").CountAsync());
    }

    [BrowserFact]
    public async Task A_later_cell_replaces_an_output_shown_with_a_display_id_and_the_change_is_saved()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var id = await session.CreateNotebookAsync("Display ids",
            new { type = "code", source = "status = display('waiting for data', display_id=True)" },
            new { type = "code", source = "status.update('data loaded')" });
        var page = await session.OpenAsync(id);
        await Cell(page, 0).Locator(".cm-content").ClickAsync();
        await page.Keyboard.PressAsync("Shift+Enter");
        await WaitStateAsync(page, 0, "done");
        Assert.Equal("'waiting for data'", await Cell(page, 0).Locator(".output-result").TextContentAsync());

        await page.Keyboard.PressAsync("Shift+Enter");
        await WaitStateAsync(page, 1, "done");
        Assert.Equal("'data loaded'", await Cell(page, 0).Locator(".output-result").TextContentAsync());
        Assert.Equal(0, await Cell(page, 1).Locator(".output").CountAsync());

        await EditorSession.ReloadWhenSavedAsync(page);
        Assert.Equal("'data loaded'", await Cell(page, 0).Locator(".output-result").TextContentAsync());
    }
}
