using Microsoft.Playwright;
using NanoChat.Appliance.Tests.Infrastructure;
using static NanoChat.Appliance.Tests.Notebooks.EditorSession;

namespace NanoChat.Appliance.Tests.Notebooks;

/// <summary>
/// Restart and clearing outputs destroy work: restart asks first (naming how many notebooks lose
/// their variables, the safe button focused, Escape cancelling), and clears can be undone.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NotebookDestructiveActionsTests(BrowserFixture browser)
{
    private static ILocator ConfirmDialog(IPage page) => page.Locator("dialog.confirm-dialog");

    [BrowserFact]
    public async Task Restart_asks_first_naming_the_notebooks_whose_variables_are_lost_and_escape_keeps_them()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var other = await session.CreateNotebookAsync("Other", new { type = "code", source = "y = 2" });
        var id = await session.CreateNotebookAsync("Main", new { type = "code", source = "x = 1" }, new { type = "code", source = "print(x)" });
        var otherPage = await session.OpenAsync(other);
        await RunSelectedCellAsync(otherPage);
        var page = await session.OpenAsync(id);
        await RunSelectedCellAsync(page);
        await page.WaitForFunctionAsync("() => document.querySelector('#kernel-badge').dataset.state === 'idle'", null, new() { Timeout = 30_000 });

        await page.Keyboard.PressAsync("Escape");
        await page.Keyboard.PressAsync("0");
        await page.Keyboard.PressAsync("0");
        await ConfirmDialog(page).WaitForAsync();
        Assert.Contains("The variables of all notebooks in your kernel (2 open) are lost.", await ConfirmDialog(page).TextContentAsync());
        Assert.Equal("cancel", await page.EvaluateAsync<string>("() => document.activeElement?.dataset.choice"));
        await Screenshots.SaveAsync(page, "editor-restart-confirm");
        await page.Keyboard.PressAsync("Escape");
        await ConfirmDialog(page).WaitForAsync(new() { State = WaitForSelectorState.Detached });

        // Nothing was lost: x is still there.
        await Cell(page, 1).Locator(".prompt").ClickAsync();
        await RunSelectedCellAsync(page, 1);
        Assert.Equal("1\n", await Cell(page, 1).Locator(".output-stdout").TextContentAsync());

        await page.GetByRole(AriaRole.Button, new() { Name = "Restart kernel", Exact = true }).ClickAsync();
        await ConfirmDialog(page).GetByRole(AriaRole.Button, new() { Name = "Restart", Exact = true }).ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('#kernel-badge').dataset.state === 'idle'", null, new() { Timeout = 60_000 });
        await Cell(page, 1).Locator(".prompt").ClickAsync();
        await RunSelectedCellAsync(page, 1, "error");
        Assert.Contains("NameError", await Cell(page, 1).Locator(".output-error").TextContentAsync());
    }

    [BrowserFact]
    public async Task Clear_outputs_clears_the_selected_cell_clear_all_asks_and_both_can_be_undone()
    {
        await using var session = await EditorSession.StartAsync(browser);
        var id = await session.CreateNotebookAsync("Results",
            new { type = "code", source = "print('a')", executionCount = 3, outputs = new object[] { new { output_type = "stream", name = "stdout", text = "a\n" } } },
            new { type = "code", source = "print('b')", executionCount = 4, outputs = new object[] { new { output_type = "stream", name = "stdout", text = "b\n" } } });
        var page = await session.OpenAsync(id);
        var outputs = page.Locator(".output-stdout");
        Assert.Equal(2, await outputs.CountAsync());

        // Clear outputs: the selected (first) cell only, undone from the toast.
        await page.GetByRole(AriaRole.Button, new() { Name = "Clear outputs", Exact = true }).ClickAsync();
        Assert.Equal(0, await Cell(page, 0).Locator(".output-stdout").CountAsync());
        Assert.Equal("b\n", await Cell(page, 1).Locator(".output-stdout").TextContentAsync());
        await page.Locator("#notebook-toast").GetByRole(AriaRole.Button, new() { Name = "Undo" }).ClickAsync();
        Assert.Equal("a\n", await Cell(page, 0).Locator(".output-stdout").TextContentAsync());
        Assert.Equal("In [3]:", await Cell(page, 0).Locator(".prompt").TextContentAsync());

        // Clear all outputs asks; Escape keeps them.
        await page.GetByRole(AriaRole.Button, new() { Name = "Clear all outputs", Exact = true }).ClickAsync();
        await ConfirmDialog(page).WaitForAsync();
        await page.Keyboard.PressAsync("Escape");
        await ConfirmDialog(page).WaitForAsync(new() { State = WaitForSelectorState.Detached });
        Assert.Equal(2, await outputs.CountAsync());

        await page.GetByRole(AriaRole.Button, new() { Name = "Clear all outputs", Exact = true }).ClickAsync();
        await ConfirmDialog(page).GetByRole(AriaRole.Button, new() { Name = "Clear all outputs", Exact = true }).ClickAsync();
        Assert.Equal(0, await outputs.CountAsync());
        await WaitSavedAsync(page);
        Assert.Empty((await session.GetNotebookAsync(id))["cells"]![1]!["outputs"]!.AsArray());

        // Z in command mode brings them back, and that is saved too.
        await Cell(page, 1).Locator(".prompt").ClickAsync();
        await page.Keyboard.PressAsync("z");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('.output-stdout').length === 2");
        Assert.Equal("In [4]:", await Cell(page, 1).Locator(".prompt").TextContentAsync());
        await page.WaitForFunctionAsync("() => document.querySelector('#save-state').dataset.state === 'saved'");
        Assert.Equal("b\n", (string)(await session.GetNotebookAsync(id))["cells"]![1]!["outputs"]![0]!["text"]!);
        Assert.Empty(session.PageErrors);
    }
}
