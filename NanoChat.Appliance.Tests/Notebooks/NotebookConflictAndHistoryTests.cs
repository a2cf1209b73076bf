using Microsoft.Playwright;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Notebooks;

/// <summary>
/// Two tabs on one notebook (two browser contexts): the stale one gets a clear choice, never a
/// silent overwrite. And the revision history restores an old revision as a new one.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NotebookConflictAndHistoryTests(BrowserFixture browser)
{
    private static async Task TypeIntoFirstCellAsync(IPage page, string text)
    {
        await page.Locator(".cell .cm-content").First.ClickAsync();
        await page.Keyboard.PressAsync("End");
        await page.Keyboard.TypeAsync(text);
    }

    private static async Task<string> FirstSourceAsync(EditorSession session, long id) =>
        (string)(await session.GetNotebookAsync(id))["cells"]![0]!["source"]!;

    [BrowserFact]
    public async Task Stale_tab_is_offered_reload_theirs_or_keep_mine_as_a_copy()
    {
        await using var session = await EditorSession.StartAsync(browser);
        var id = await session.CreateNotebookAsync("Shared", new { type = "code", source = "x = 0" });
        var first = await session.OpenAsync(id);
        var second = await session.OpenAsync(id);

        await TypeIntoFirstCellAsync(first, " # from first");
        await EditorSession.WaitSavedAsync(first);

        // The second tab is stale: its save is refused and it asks.
        await TypeIntoFirstCellAsync(second, " # from second");
        var dialog = second.Locator("#conflict-dialog");
        await dialog.WaitForAsync(new() { State = WaitForSelectorState.Visible });
        Assert.Equal("conflict", await second.GetAttributeAsync("#save-state", "data-state"));
        await Screenshots.SaveAsync(second, "editor-conflict");
        Assert.Equal("x = 0 # from first", await FirstSourceAsync(session, id));

        // Reload theirs: the second tab shows the first tab's text and can save again.
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Reload theirs (discard my edits)" }).ClickAsync();
        await EditorSession.WaitReadyAsync(second);
        await second.WaitForFunctionAsync("() => document.querySelector('.cell .cm-content').textContent === 'x = 0 # from first'");
        await TypeIntoFirstCellAsync(second, "!");
        await EditorSession.WaitSavedAsync(second);
        Assert.Equal("x = 0 # from first!", await FirstSourceAsync(session, id));

        // Now the first tab is stale: keep mine as a copy makes a new notebook with its text.
        await TypeIntoFirstCellAsync(first, "?");
        await first.Locator("#conflict-dialog").WaitForAsync(new() { State = WaitForSelectorState.Visible });
        await first.GetByRole(AriaRole.Button, new() { Name = "Keep mine as a copy" }).ClickAsync();
        await first.WaitForURLAsync(url => !url.EndsWith($"/notebooks/{id}", StringComparison.Ordinal));
        await EditorSession.WaitReadyAsync(first);
        var copyId = long.Parse(first.Url.Split('/').Last(), System.Globalization.CultureInfo.InvariantCulture);
        var copy = await session.GetNotebookAsync(copyId);
        Assert.Equal("Shared (my copy)", (string)copy["name"]!);
        Assert.Equal("x = 0 # from first?", (string)copy["cells"]![0]!["source"]!);
        Assert.Equal("x = 0 # from first!", await FirstSourceAsync(session, id));
    }

    [BrowserFact]
    public async Task History_lists_revisions_and_restores_one_as_a_new_revision()
    {
        await using var session = await EditorSession.StartAsync(browser);
        var id = await session.CreateNotebookAsync("History", new { type = "code", source = "version = 1" });
        var page = await session.OpenAsync(id);
        await page.Locator(".cell .cm-content").First.ClickAsync();
        await page.Keyboard.PressAsync("Control+a");
        await page.Keyboard.TypeAsync("version = 2");
        await EditorSession.WaitSavedAsync(page);
        Assert.Equal("version = 2", await FirstSourceAsync(session, id));

        await page.GetByRole(AriaRole.Button, new() { Name = "History", Exact = true }).ClickAsync();
        var restore = page.GetByRole(AriaRole.Button, new() { Name = "Restore revision 1" });
        await restore.WaitForAsync();
        await Screenshots.SaveAsync(page, "editor-history");
        await restore.ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('.cell .cm-content').textContent === 'version = 1'");
        var notebook = await session.GetNotebookAsync(id);
        Assert.Equal("version = 1", (string)notebook["cells"]![0]!["source"]!);
        Assert.Equal(3, (long)notebook["revision"]!);
    }
}
