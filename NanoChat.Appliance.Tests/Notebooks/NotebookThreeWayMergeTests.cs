using Microsoft.Playwright;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Notebooks;

/// <summary>
/// Two tabs on one notebook editing different cells: the stale tab's save is merged cell by cell
/// with the other tab's (three-way-merge.js) and saved, with no dialog; both edits are kept.
/// (The same cell changed in both still asks: NotebookConflictAndHistoryTests.)
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NotebookThreeWayMergeTests(BrowserFixture browser)
{
    private static async Task TypeIntoCellAsync(IPage page, int index, string text)
    {
        await EditorSession.Cell(page, index).Locator(".cm-content").ClickAsync();
        await page.Keyboard.PressAsync("End");
        await page.Keyboard.TypeAsync(text);
    }

    private static async Task<string[]> SourcesAsync(EditorSession session, long id) =>
        (await session.GetNotebookAsync(id))["cells"]!.AsArray().Select(cell => (string)cell!["source"]!).ToArray();

    private static async Task WaitSourcesAsync(EditorSession session, long id, params string[] expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!(await SourcesAsync(session, id)).SequenceEqual(expected) && DateTime.UtcNow < deadline)
            await Task.Delay(200);
        Assert.Equal(expected, await SourcesAsync(session, id));
    }

    [BrowserFact]
    public async Task Edits_of_different_cells_in_two_tabs_merge_without_a_dialog()
    {
        await using var session = await EditorSession.StartAsync(browser);
        var id = await session.CreateNotebookAsync("Shared",
            new { type = "code", source = "a = 1" },
            new { type = "code", source = "b = 2" });
        var first = await session.OpenAsync(id);
        var second = await session.OpenAsync(id);

        await TypeIntoCellAsync(first, 0, " # first");
        await EditorSession.WaitSavedAsync(first);
        await WaitSourcesAsync(session, id, "a = 1 # first", "b = 2");

        // The second tab is stale, but it changed another cell: merged and saved, no dialog.
        await TypeIntoCellAsync(second, 1, " # second");
        await WaitSourcesAsync(session, id, "a = 1 # first", "b = 2 # second");
        await EditorSession.WaitSavedAsync(second);
        Assert.False(await second.Locator("#conflict-dialog").IsVisibleAsync());
        Assert.Equal("a = 1 # first", await EditorSession.Cell(second, 0).Locator(".cm-content").TextContentAsync());

        // Now the first tab is stale: its next edit merges the other way.
        await TypeIntoCellAsync(first, 0, "!");
        await WaitSourcesAsync(session, id, "a = 1 # first!", "b = 2 # second");
        await EditorSession.WaitSavedAsync(first);
        Assert.False(await first.Locator("#conflict-dialog").IsVisibleAsync());
        Assert.Equal("b = 2 # second", await EditorSession.Cell(first, 1).Locator(".cm-content").TextContentAsync());
        // The refused saves (409) are the browser's only complaints.
        Assert.All(session.PageErrors, error => Assert.Contains("409", error, StringComparison.Ordinal));
    }
}
