using Microsoft.Playwright;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Notebooks;

/// <summary>
/// The notebook editor in chromium against the real server (no kernel needed): cells, CodeMirror,
/// toolbar names, add/move/delete, markdown with math, autosave across a reload.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NotebookEditorTests(BrowserFixture browser)
{
    private static readonly string[] ToolbarNames = ["Run cell", "Run all", "Interrupt", "Restart kernel", "Add code cell", "Add markdown cell", "Delete cell", "Clear outputs", "Clear all outputs"];

    [BrowserFact]
    public async Task Editor_shows_cells_in_codemirror_with_the_named_toolbar()
    {
        await using var session = await EditorSession.StartAsync(browser);
        var id = await session.CreateNotebookAsync("Intro",
            new { type = "markdown", source = "# Welcome\n\nEuler: $e^{i\\pi} + 1 = 0$\n\n$$\\sum_{k=1}^n k = \\frac{n(n+1)}{2}$$\n\n| a | b |\n|---|---|\n| 1 | 2 |" },
            new
            {
                type = "code",
                source = "def square(x):\n    return x * x\n\nprint(square(4))",
                executionCount = 1,
                outputs = new object[] { new { output_type = "stream", name = "stdout", text = "16\n" } }
            });
        var page = await session.OpenAsync(id);

        foreach (var name in ToolbarNames)
            Assert.Equal(1, await page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true }).CountAsync());
        Assert.Equal(1, await page.Locator(".cell-code .cm-editor .cm-lineNumbers").CountAsync());
        // Python highlighting: the keyword 'def' is a styled token, not plain text.
        var keywordStyled = await page.EvaluateAsync<bool>("() => [...document.querySelectorAll('.cell-code .cm-line span')].some(s => s.textContent === 'def' && getComputedStyle(s).color !== getComputedStyle(s.parentElement).color)");
        Assert.True(keywordStyled);
        Assert.True(await page.Locator(".cell-markdown .markdown .katex").CountAsync() >= 2);
        Assert.Equal(1, await page.Locator(".cell-markdown .markdown table").CountAsync());
        Assert.Equal("16\n", await page.Locator(".cell-code .output-stdout").TextContentAsync());
        Assert.Equal("In [1]:", await page.Locator(".cell-code .prompt").TextContentAsync());
        await Screenshots.SaveAsync(page, "editor-open");
    }

    [BrowserFact]
    public async Task Cells_are_added_moved_and_deleted_and_autosave_survives_a_reload()
    {
        await using var session = await EditorSession.StartAsync(browser);
        var id = await session.CreateNotebookAsync("Edits", new { type = "code", source = "" });
        var page = await session.OpenAsync(id);

        await page.Locator(".cell .cm-content").First.ClickAsync();
        await page.Keyboard.TypeAsync("first = 1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add code cell", Exact = true }).ClickAsync();
        await page.Keyboard.TypeAsync("second = 2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add markdown cell", Exact = true }).ClickAsync();
        await page.Keyboard.TypeAsync("Area $\\pi r^2$");
        await page.Keyboard.PressAsync("Shift+Enter");
        await page.WaitForSelectorAsync(".cell-markdown .markdown .katex");

        // Move the markdown cell to the top, then delete "second".
        await page.Locator(".cell-markdown .markdown").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Move cell up", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Move cell up", Exact = true }).ClickAsync();
        await page.Locator(".cell", new() { HasText = "second = 2" }).Locator(".prompt").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete cell", Exact = true }).ClickAsync();
        await EditorSession.WaitSavedAsync(page);
        await Screenshots.SaveAsync(page, "editor-edited");

        var saved = await session.GetNotebookAsync(id);
        var sources = saved["cells"]!.AsArray().Select(cell => (string)cell!["source"]!).ToArray();
        Assert.Equal(["Area $\\pi r^2$", "first = 1", ""], sources);

        await page.ReloadAsync();
        await EditorSession.WaitReadyAsync(page);
        Assert.Equal(3, await page.Locator(".cell").CountAsync());
        Assert.Equal(1, await page.Locator(".cell-markdown .katex").CountAsync());
        Assert.Contains("first = 1", await page.Locator(".cell-code").First.TextContentAsync());
    }

    [BrowserFact]
    public async Task Typing_is_saved_within_seconds_and_on_leaving_the_page()
    {
        await using var session = await EditorSession.StartAsync(browser);
        var id = await session.CreateNotebookAsync("Autosave", new { type = "code", source = "" });
        var page = await session.OpenAsync(id);
        await page.Locator(".cell .cm-content").First.ClickAsync();
        await page.Keyboard.TypeAsync("x = 41");
        Assert.Equal("unsaved", await page.GetAttributeAsync("#save-state", "data-state"));
        await EditorSession.WaitSavedAsync(page);
        Assert.Equal("x = 41", (string)(await session.GetNotebookAsync(id))["cells"]![0]!["source"]!);

        // Type and leave at once: the save on hide/leave still lands.
        await page.Keyboard.TypeAsync("+1");
        await page.GotoAsync("/");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((string)(await session.GetNotebookAsync(id))["cells"]![0]!["source"]! != "x = 41+1" && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        Assert.Equal("x = 41+1", (string)(await session.GetNotebookAsync(id))["cells"]![0]!["source"]!);
    }
}
