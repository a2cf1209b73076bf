using System.Diagnostics;
using NanoChat.Appliance.Tests.Infrastructure;
using static NanoChat.Appliance.Tests.Notebooks.EditorSession;

namespace NanoChat.Appliance.Tests.Notebooks;

/// <summary>
/// A training run redraws its progress ten times a second for minutes; an edit made meanwhile in
/// another cell must still be saved a couple of seconds later, not when the run ends.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NotebookAutosaveDuringOutputTests(BrowserFixture browser)
{
    // A text bar redrawn with \r and a notebook bar (update_display), both every 0.1 s for 20 s.
    private const string TrainingLoop =
        "import sys, time\nfrom tqdm.notebook import tqdm\n" +
        "for step in tqdm(range(200), desc='train'):\n" +
        "    print(f'\\rstep {step:3d} ' + '#' * (step // 10), end='')\n    sys.stdout.flush()\n    time.sleep(0.1)";

    [BrowserFact]
    public async Task An_edit_is_saved_within_seconds_while_another_cell_redraws_a_progress_bar()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var id = await session.CreateNotebookAsync("Training",
            new { type = "code", source = TrainingLoop },
            new { type = "code", source = "y = 1" });
        var page = await session.OpenAsync(id);
        await RunSelectedCellAsync(page, state: "running");
        await page.WaitForFunctionAsync("() => (document.querySelector('.cell .output-stdout')?.textContent ?? '').includes('step')", null, new() { Timeout = 30_000 });

        await Cell(page, 1).Locator(".cm-content").ClickAsync();
        await page.Keyboard.PressAsync("End");
        await page.Keyboard.TypeAsync(" # edited");
        var sinceEdit = Stopwatch.StartNew();

        string? saved = null;
        while (sinceEdit.Elapsed < TimeSpan.FromSeconds(5))
        {
            saved = (string?)(await session.GetNotebookAsync(id))["cells"]![1]!["source"];
            if (saved == "y = 1 # edited")
                break;
            await Task.Delay(200);
        }
        Assert.Equal("y = 1 # edited", saved);
        await page.WaitForSelectorAsync("#save-state[data-state='saved']", new() { Timeout = 2_000 });
        Assert.Equal("running", await Cell(page, 0).GetAttributeAsync("data-state")); // the bar was still moving all along
        Assert.Empty(session.PageErrors);
    }
}
