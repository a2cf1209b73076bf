using Microsoft.Playwright;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Notebooks;

/// <summary>
/// Script in markdown and in HTML outputs runs nowhere in the page (HTML output runs only in its
/// sandboxed frame, which cannot reach the page), and Jupyter's command-mode keys work.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NotebookSafetyAndKeyboardTests(BrowserFixture browser)
{
    private const string HostileHtml =
        "<b id='inside'>html output</b><script>document.body.dataset.ran = 'yes';" +
        "try { parent.document.title = 'pwned-by-html'; } catch (e) { document.body.dataset.blocked = 'yes'; }" +
        "try { top.pwned = 1; } catch (e) {}</script>" +
        "<img src='x' onerror=\"document.body.dataset.onerror = 'ran'; try { parent.document.title = 'pwned-by-onerror'; } catch (e) {}\">";

    [BrowserFact]
    public async Task Script_and_onerror_in_markdown_and_html_output_run_nowhere_in_the_page()
    {
        await using var session = await EditorSession.StartAsync(browser);
        var id = await session.CreateNotebookAsync("Hostile",
            new { type = "markdown", source = "<script>document.title = 'pwned-by-markdown'</script>\n\n<img src=x onerror=\"document.title='pwned-md-img'\">\n\n[click](javascript:document.title='pwned-link')\n\nSafe **text**" },
            new
            {
                type = "code",
                source = "display(HTML(...))",
                outputs = new object[]
                {
                    new { output_type = "display_data", data = new Dictionary<string, object> { ["text/html"] = HostileHtml, ["text/plain"] = "<HTML>" }, metadata = new { } },
                    new { output_type = "display_data", data = new Dictionary<string, object> { ["application/javascript"] = "document.body.dataset.js = 'yes'; try { parent.pwnedByJs = 1 } catch (e) {}" }, metadata = new { } },
                },
            });
        var page = await session.OpenAsync(id);
        var title = await page.TitleAsync();

        // The HTML output did run, inside its frame, and could not reach the page.
        var frames = page.Locator("iframe.output-frame");
        Assert.Equal(2, await frames.CountAsync());
        Assert.Equal("allow-scripts", await frames.First.GetAttributeAsync("sandbox"));
        var htmlFrame = page.Frames.First(frame => frame.Url.EndsWith("/output-frame", StringComparison.Ordinal) && frame != page.MainFrame);
        await htmlFrame.WaitForFunctionAsync("() => document.body.dataset.ran === 'yes' && document.body.dataset.onerror === 'ran'");
        Assert.Equal("yes", await htmlFrame.EvaluateAsync<string>("() => document.body.dataset.blocked"));
        await page.Frames.Last().WaitForFunctionAsync("() => document.body.dataset.js === 'yes'");

        Assert.Equal(title, await page.TitleAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => window.pwned === undefined && window.pwnedByJs === undefined"));
        var markdown = page.Locator(".cell-markdown .markdown");
        Assert.Equal(0, await markdown.Locator("script, img[onerror], a[href^='javascript']").CountAsync());
        Assert.Contains("Safe", await markdown.TextContentAsync());
        await Screenshots.SaveAsync(page, "editor-hostile");
    }

    [BrowserFact]
    public async Task Command_mode_keys_insert_delete_change_type_select_and_show_help()
    {
        await using var session = await EditorSession.StartAsync(browser);
        var id = await session.CreateNotebookAsync("Keys", new { type = "code", source = "a = 1" });
        var page = await session.OpenAsync(id);
        var cells = page.Locator(".cell");

        await page.Locator(".cell .cm-content").First.ClickAsync();
        await page.Keyboard.PressAsync("Escape");
        Assert.Equal("command", await page.GetAttributeAsync("section.notebook", "data-mode"));
        await page.Keyboard.PressAsync("b");                       // insert below, edit it
        Assert.Equal(2, await cells.CountAsync());
        await page.Keyboard.TypeAsync("c = 3");
        await page.Keyboard.PressAsync("Escape");
        await page.Keyboard.PressAsync("a");                       // insert above the new one
        await page.Keyboard.TypeAsync("b = 2");
        await page.Keyboard.PressAsync("Escape");
        Assert.Equal(["a = 1", "b = 2", "c = 3"], await cells.Locator(".cm-content").AllTextContentsAsync());

        await page.Keyboard.PressAsync("m");                       // to markdown
        Assert.Equal("markdown", await cells.Nth(1).GetAttributeAsync("data-type"));
        await page.Keyboard.PressAsync("y");                       // back to code
        Assert.Equal("code", await cells.Nth(1).GetAttributeAsync("data-type"));
        await page.Keyboard.PressAsync("ArrowUp");
        Assert.Contains("selected", await cells.Nth(0).GetAttributeAsync("class"));
        await page.Keyboard.PressAsync("Shift+ArrowDown");         // move "a" down
        Assert.Equal(["b = 2", "a = 1", "c = 3"], await cells.Locator(".cm-content").AllTextContentsAsync());
        await page.Keyboard.PressAsync("d");
        await page.Keyboard.PressAsync("d");                       // D, D deletes "a"
        Assert.Equal(["b = 2", "c = 3"], await cells.Locator(".cm-content").AllTextContentsAsync());
        await page.Keyboard.PressAsync("z");                       // and Z brings it back
        Assert.Equal(["b = 2", "a = 1", "c = 3"], await cells.Locator(".cm-content").AllTextContentsAsync());

        await page.Keyboard.PressAsync("Enter");                   // edit mode
        Assert.Equal("edit", await page.GetAttributeAsync("section.notebook", "data-mode"));
        await page.Keyboard.PressAsync("Escape");
        Assert.Equal("command", await page.GetAttributeAsync("section.notebook", "data-mode"));
        await page.Keyboard.PressAsync("?");
        var help = page.Locator("#help-dialog");
        await help.WaitForAsync(new() { State = WaitForSelectorState.Visible });
        Assert.Contains("Insert a code cell above", await help.TextContentAsync());
        await Screenshots.SaveAsync(page, "editor-help");
        await page.Keyboard.PressAsync("Escape");
        await help.WaitForAsync(new() { State = WaitForSelectorState.Hidden });
        await EditorSession.WaitSavedAsync(page);
        Assert.Equal(3, (await session.GetNotebookAsync(id))["cells"]!.AsArray().Count);
    }
}
