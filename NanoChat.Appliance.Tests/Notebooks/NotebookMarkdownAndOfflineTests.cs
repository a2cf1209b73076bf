using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Notebooks;

/// <summary>
/// Markdown cells toggle between source and server-rendered HTML (double-click or Enter to edit,
/// Shift+Enter to render), the save indicator says Offline when the network is gone and saves when
/// it is back, and the page runs under its CSP without violations.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NotebookMarkdownAndOfflineTests(BrowserFixture browser)
{
    [BrowserFact]
    public async Task Markdown_is_edited_by_double_click_or_enter_and_rendered_by_shift_enter()
    {
        await using var session = await EditorSession.StartAsync(browser);
        var id = await session.CreateNotebookAsync("Markdown", new { type = "markdown", source = "Plain *text*" });
        var page = await session.OpenAsync(id);
        var cell = page.Locator(".cell-markdown");
        Assert.Equal("text", await cell.Locator(".markdown em").TextContentAsync());
        Assert.True(await cell.Locator(".cm-editor").IsHiddenAsync());

        await cell.Locator(".markdown").DblClickAsync();
        await cell.Locator(".cm-editor").WaitForAsync();
        await page.Keyboard.PressAsync("Control+End");
        await page.Keyboard.TypeAsync("\n\n- [x] done\n- [ ] todo\n\n| n | n² |\n|---|---|\n| 3 | 9 |\n\nMass–energy:\n\n$$\nE = mc^2\n$$\n\nhttps://example.org/docs");
        await page.Keyboard.PressAsync("Shift+Enter");
        await cell.Locator(".markdown .katex-display").WaitForAsync();
        Assert.Equal(2, await cell.Locator(".markdown input[type=checkbox]").CountAsync());
        Assert.Equal(1, await cell.Locator(".markdown table").CountAsync());
        Assert.Equal("https://example.org/docs", await cell.Locator(".markdown a").Last.GetAttributeAsync("href"));

        // Command mode Enter edits it again.
        await cell.Locator(".markdown").ClickAsync();
        await page.Keyboard.PressAsync("Escape");
        await page.Keyboard.PressAsync("Enter");
        await cell.Locator(".cm-editor").WaitForAsync();
        Assert.Equal("edit", await page.GetAttributeAsync("section.notebook", "data-mode"));

        // Alt+Enter renders it and inserts a new code cell below, ready for typing.
        await page.Keyboard.PressAsync("Alt+Enter");
        await cell.Locator(".markdown .katex-display").WaitForAsync();
        Assert.Equal(3, await page.Locator(".cell").CountAsync()); // the earlier Shift+Enter on the last cell added one too
        Assert.Equal("code", await page.Locator(".cell").Nth(1).GetAttributeAsync("data-type"));
        await page.Keyboard.TypeAsync("typed_below = 1");
        Assert.Equal("typed_below = 1", await page.Locator(".cell").Nth(1).Locator(".cm-content").TextContentAsync());
        await EditorSession.WaitSavedAsync(page);
        Assert.Contains("- [x] done", (string)(await session.GetNotebookAsync(id))["cells"]![0]!["source"]!);
        Assert.DoesNotContain(session.PageErrors, error => error.Contains("Content Security Policy", StringComparison.Ordinal));
        await Screenshots.SaveAsync(page, "editor-markdown");
    }

    [BrowserFact]
    public async Task A_render_that_answers_after_the_student_went_back_to_editing_leaves_the_editor_open()
    {
        await using var session = await EditorSession.StartAsync(browser);
        var id = await session.CreateNotebookAsync("Slow render", new { type = "code", source = "# Title" });
        var page = await session.OpenAsync(id);
        // M renders the new markdown cell on the server; hold that answer back so that Enter and the
        // typing below land first, as they can on a busy box.
        await page.RouteAsync("**/api/markdown", async route =>
        {
            await Task.Delay(1500);
            await route.ContinueAsync();
        });
        var response = page.WaitForResponseAsync("**/api/markdown");

        await page.Locator(".cell .cm-content").ClickAsync();
        await page.Keyboard.PressAsync("Escape");
        await page.Keyboard.PressAsync("m");
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.PressAsync("Control+End");
        await page.Keyboard.TypeAsync(" and more");
        await response;
        await page.EvaluateAsync("() => new Promise((done) => setTimeout(done, 300))"); // the page has handled the answer

        var cell = page.Locator(".cell").First;
        Assert.Equal("markdown", await cell.GetAttributeAsync("data-type"));
        Assert.True(await cell.Locator(".cm-editor").IsVisibleAsync(), "the late render closed the editor");
        Assert.Equal("# Title and more", await cell.Locator(".cm-content").TextContentAsync());
        Assert.Equal("edit", await page.GetAttributeAsync("section.notebook", "data-mode"));

        // Shift+Enter then renders what was typed.
        await page.UnrouteAsync("**/api/markdown");
        await page.Keyboard.PressAsync("Shift+Enter");
        await cell.Locator(".markdown h1").WaitForAsync();
        Assert.Equal("Title and more", await cell.Locator(".markdown h1").TextContentAsync());
    }

    [BrowserFact]
    public async Task Saving_says_offline_without_network_and_saves_when_it_returns()
    {
        await using var session = await EditorSession.StartAsync(browser);
        var id = await session.CreateNotebookAsync("Offline", new { type = "code", source = "" });
        var page = await session.OpenAsync(id);
        await page.Context.SetOfflineAsync(true);
        await page.Locator(".cell .cm-content").ClickAsync();
        await page.Keyboard.TypeAsync("written_offline = True");
        await page.WaitForSelectorAsync("#save-state[data-state='offline']");
        Assert.StartsWith("Offline", await page.Locator("#save-state").TextContentAsync());
        Assert.Equal("", (string)(await session.GetNotebookAsync(id))["cells"]![0]!["source"]!);

        await page.Context.SetOfflineAsync(false);
        await EditorSession.WaitSavedAsync(page);
        Assert.Equal("written_offline = True", (string)(await session.GetNotebookAsync(id))["cells"]![0]!["source"]!);
    }
}
