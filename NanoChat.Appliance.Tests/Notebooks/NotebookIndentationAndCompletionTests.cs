using Microsoft.Playwright;
using NanoChat.Appliance.Tests.Infrastructure;
using static NanoChat.Appliance.Tests.Notebooks.EditorSession;

namespace NanoChat.Appliance.Tests.Notebooks;

/// <summary>
/// Typing Python as in Jupyter: Enter indents a block by 4 spaces (PEP 8) and follows a cell that
/// already uses another step, Tab and Shift+Tab move by the same unit, and a completed callable is
/// its name alone (the student types the parenthesis).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NotebookIndentationAndCompletionTests(BrowserFixture browser)
{
    private static async Task<string[]> LinesAsync(IPage page, int cell) => [.. await Cell(page, cell).Locator(".cm-line").AllTextContentsAsync()];

    private static async Task ClickEndOfLastLineAsync(IPage page, int cell)
    {
        await Cell(page, cell).Locator(".cm-line").Last.ClickAsync();
        await page.Keyboard.PressAsync("End");
    }

    [BrowserFact]
    public async Task Enter_in_a_four_space_body_indents_by_four_and_a_two_space_cell_keeps_two()
    {
        await using var session = await EditorSession.StartAsync(browser);
        var id = await session.CreateNotebookAsync("Indent",
            new { type = "code", source = "def train(steps):\n    total = 0" },
            new { type = "code", source = "def legacy():\n  if True:\n    x = 1\n  return x" },
            new { type = "code", source = "" });
        var page = await session.OpenAsync(id);

        // The tutorial's 4-space body: the next line gets 4, a nested block 8, never 2.
        await ClickEndOfLastLineAsync(page, 0);
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.TypeAsync("for step in range(steps):");
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.TypeAsync("total += step");
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.TypeAsync("print(total)");
        Assert.Equal(["def train(steps):", "    total = 0", "    for step in range(steps):", "        total += step", "        print(total)"], await LinesAsync(page, 0));
        // Shift+Tab at the line's start takes one unit (4) away; Tab gives it back.
        await page.Keyboard.PressAsync("Home");
        await page.Keyboard.PressAsync("Shift+Tab");
        Assert.Equal("    print(total)", (await LinesAsync(page, 0))[4]);
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("        print(total)", (await LinesAsync(page, 0))[4]);

        // A cell written with 2 spaces: Enter follows its own step.
        await Cell(page, 1).Locator(".cm-line").Nth(1).ClickAsync();
        await page.Keyboard.PressAsync("End");
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.TypeAsync("y = 2");
        Assert.Equal("    y = 2", (await LinesAsync(page, 1))[2]);

        // A new cell: Tab is 4 spaces, after text too (to the next stop), never a tab character.
        await Cell(page, 2).Locator(".cm-content").ClickAsync();
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("a = 1  ");
        Assert.Equal("    a = 1  ", (await LinesAsync(page, 2))[0]);
        await page.Keyboard.PressAsync("End");
        await page.Keyboard.TypeAsync("#");
        await page.Keyboard.PressAsync("Home");
        await page.Keyboard.PressAsync("Shift+Tab");
        Assert.Equal("a = 1  #", (await LinesAsync(page, 2))[0]);

        await WaitSavedAsync(page);
        var saved = await session.GetNotebookAsync(id);
        Assert.Equal("def train(steps):\n    total = 0\n    for step in range(steps):\n        total += step\n        print(total)", (string)saved["cells"]![0]!["source"]!);
        Assert.DoesNotContain("\t", (string)saved["cells"]![2]!["source"]!, StringComparison.Ordinal);
    }

    [BrowserFact]
    public async Task Tab_completion_of_a_function_inserts_its_name_without_a_parenthesis()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var id = await session.CreateNotebookAsync("Complete callables",
            new { type = "code", source = "import numpy as np\ndef train_model(steps):\n    return steps" },
            new { type = "code", source = "" });
        var page = await session.OpenAsync(id);
        await Cell(page, 0).Locator(".cm-content").ClickAsync();
        await page.Keyboard.PressAsync("Control+Enter");
        await WaitStateAsync(page, 0, "done");

        await Cell(page, 1).Locator(".cm-content").ClickAsync();
        await page.Keyboard.TypeAsync("train_m");
        await page.Keyboard.PressAsync("Tab");
        var option = page.Locator(".cm-tooltip-autocomplete li", new() { HasText = "train_model" });
        await option.WaitForAsync(new() { Timeout = 30_000 });
        Assert.Equal("train_model", (await option.Locator(".cm-completionLabel").TextContentAsync())?.Trim());
        await page.WaitForTimeoutAsync(150); // CodeMirror's interaction delay (see NotebookKernelTests)
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("train_model", (await LinesAsync(page, 1))[0]);
        // The student's own parenthesis (closed by the editor), not a second one.
        await page.Keyboard.TypeAsync("(3");
        Assert.Equal("train_model(3)", (await LinesAsync(page, 1))[0]);

        // An attribute that is a function: the same.
        await page.Keyboard.PressAsync("End");
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.TypeAsync("np.linsp");
        await page.Keyboard.PressAsync("Tab");
        await page.Locator(".cm-tooltip-autocomplete li", new() { HasText = "np.linspace" }).WaitForAsync(new() { Timeout = 30_000 });
        await page.WaitForTimeoutAsync(150);
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("np.linspace", (await LinesAsync(page, 1))[1]);
    }
}
