using Microsoft.Playwright;
using NanoChat.Appliance.Tests.Infrastructure;
using static NanoChat.Appliance.Tests.Notebooks.EditorSession;

namespace NanoChat.Appliance.Tests.Notebooks;

/// <summary>
/// One kernel per student serves all their notebooks: a cell queued in notebook B says which cell
/// of which notebook it waits for, and Interrupt in B names (and asks before stopping) A's cell.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NotebookKernelQueueTests(BrowserFixture browser)
{
    [BrowserFact]
    public async Task A_cell_queued_behind_another_notebook_names_it_and_interrupt_asks_before_stopping_it()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var first = await session.CreateNotebookAsync("Training run",
            new { type = "markdown", source = "# Train" },
            new { type = "code", source = "import time\nprint('training', flush=True)\ntime.sleep(60)" });
        var second = await session.CreateNotebookAsync("Scratch", new { type = "code", source = "print('b')" });
        var pageA = await session.OpenAsync(first);
        var pageB = await session.OpenAsync(second);

        await Cell(pageA, 1).Locator(".prompt").ClickAsync();
        await RunSelectedCellAsync(pageA, 1, "running");
        await pageA.WaitForFunctionAsync("() => document.querySelector('.output-stdout')?.textContent.includes('training')", null, new() { Timeout = 60_000 });

        await RunSelectedCellAsync(pageB, 0, "queued");
        var waiting = Cell(pageB, 0).Locator(".cell-state");
        await pageB.WaitForFunctionAsync("() => document.querySelector('.cell .cell-state').textContent.startsWith('Waiting for')", null, new() { Timeout = 15_000 });
        Assert.Equal("Waiting for “Training run”, cell 2", await waiting.TextContentAsync());
        Assert.StartsWith($"/notebooks/{first}#cell-", await waiting.Locator("a").GetAttributeAsync("href"), StringComparison.Ordinal);
        var interrupt = pageB.GetByRole(AriaRole.Button, new() { Name = "Interrupt", Exact = true });
        Assert.Equal("Interrupt “Training run” cell 2 (I, I)", await interrupt.GetAttributeAsync("title"));
        await Screenshots.SaveAsync(pageB, "editor-queued-behind-another-notebook");

        // Interrupt in B asks, naming A's cell; Cancel leaves A running.
        await interrupt.ClickAsync();
        var dialog = pageB.Locator("dialog.confirm-dialog");
        await dialog.WaitForAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Task.Delay(500);
        Assert.Equal("running", await Cell(pageA, 1).GetAttributeAsync("data-state"));

        await interrupt.ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Interrupt “Training run” cell 2", Exact = true }).ClickAsync();
        await WaitStateAsync(pageA, 1, "interrupted", 30_000);
        Assert.Empty(session.PageErrors);
    }
}
