using Microsoft.Playwright;
using NanoChat.Appliance.Tests.Infrastructure;
using static NanoChat.Appliance.Tests.Notebooks.EditorSession;

namespace NanoChat.Appliance.Tests.Notebooks;

/// <summary>
/// interact in the editor with a real kernel: the controls drive the function, its output is
/// replaced under controls that stay put, the last state is saved, and a control whose kernel has
/// restarted says to run the cell again.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NotebookWidgetTests(BrowserFixture browser)
{
    private const string Source = """
        from ipywidgets import interact, interact_manual
        def sample(temperature=1.0, top_k=3, mode="greedy", prompt="Once"):
            print(f"{prompt}|{temperature:.1f}|{top_k}|{mode}")
        interact(sample, temperature=(0.1, 2.0, 0.1), top_k=(1, 10), mode=["greedy", "sampled"]);
        """;

    private static Task<string?> ShownAsync(IPage page) => Cell(page, 0).Locator(".widget-outputs .output-stdout").TextContentAsync();

    private static Task WaitShownAsync(IPage page, string text) =>
        page.WaitForFunctionAsync("text => document.querySelector('.widget-outputs .output-stdout')?.textContent === text", text, new() { Timeout = 30_000 });

    private static async Task<IPage> OpenAndRunAsync(EditorSession session, string name, string source)
    {
        var id = await session.CreateNotebookAsync(name, new { type = "code", source });
        var page = await session.OpenAsync(id);
        await RunSelectedCellAsync(page);
        return page;
    }

    [BrowserFact]
    public async Task Controls_rerun_the_function_in_place_and_the_last_state_is_saved()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var page = await OpenAndRunAsync(session, "Sampling", Source);
        await WaitShownAsync(page, "Once|1.0|3|greedy\n");
        Assert.Equal(["temperature", "top_k", "mode", "prompt"], await Cell(page, 0).Locator(".widget-label").AllTextContentsAsync());

        // A slider moved as by a drag: input events; the element stays the same one afterwards.
        var slider = Cell(page, 0).Locator(".widget-slider input").First;
        await slider.EvaluateAsync("s => { s.dataset.kept = 'yes'; s.value = '0.3'; s.dispatchEvent(new Event('input', { bubbles: true })); }");
        await WaitShownAsync(page, "Once|0.3|3|greedy\n");
        Assert.Equal("yes", await slider.GetAttributeAsync("data-kept"));
        Assert.Equal("0.3", await Cell(page, 0).Locator(".widget-slider output").First.TextContentAsync());

        await Cell(page, 0).Locator(".widget-dropdown select").SelectOptionAsync(new SelectOptionValue { Label = "sampled" });
        await WaitShownAsync(page, "Once|0.3|3|sampled\n");
        await Cell(page, 0).Locator(".widget-text input").FillAsync("Hello");
        await WaitShownAsync(page, "Hello|0.3|3|sampled\n");
        Assert.Equal("In [1]:", await Cell(page, 0).Locator(".prompt").TextContentAsync()); // changes are not numbered

        await EditorSession.ReloadWhenSavedAsync(page);
        Assert.Equal("Hello|0.3|3|sampled\n", await ShownAsync(page));
        Assert.Equal("0.3", await Cell(page, 0).Locator(".widget-slider input").First.InputValueAsync());

        // The kernel restarted: the function is gone, and the control says what to do.
        await page.EvaluateAsync("() => fetch('/api/kernel/restart', { method: 'POST', headers: { 'X-CSRF-TOKEN': document.querySelector('meta[name=antiforgery-token]').content } })");
        await Cell(page, 0).Locator(".widget-slider input").Last.EvaluateAsync("s => { s.value = '5'; s.dispatchEvent(new Event('input', { bubbles: true })); }");
        await page.WaitForFunctionAsync("() => document.querySelector('.widget-problem')?.textContent.includes('run the cell again')", null, new() { Timeout = 60_000 });
        Assert.Equal("Hello|0.3|3|sampled\n", await ShownAsync(page));
    }

    [BrowserFact]
    public async Task Interact_manual_runs_only_when_run_is_pressed()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var page = await OpenAndRunAsync(session, "Manual", "from ipywidgets import interact_manual\ninteract_manual(lambda steps=5: print('trained', steps), steps=(1, 9));");
        var slider = Cell(page, 0).Locator(".widget-slider input");
        await slider.EvaluateAsync("s => { s.value = '7'; s.dispatchEvent(new Event('input', { bubbles: true })); }");
        await Task.Delay(500);
        Assert.Equal(0, await Cell(page, 0).Locator(".widget-outputs .output-stdout").CountAsync());
        await Cell(page, 0).GetByRole(AriaRole.Button, new() { Name = "Run interact" }).ClickAsync();
        await WaitShownAsync(page, "trained 7\n");
    }

    [BrowserFact]
    public async Task Radio_buttons_are_a_group_of_radios_that_drive_the_function()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var page = await OpenAndRunAsync(session, "Radio", "from ipywidgets import interact, RadioButtons\ninteract(lambda size='small': print('size', size), size=RadioButtons(options=['small', 'medium', 'large'], description='Model'));");
        await WaitShownAsync(page, "size small\n");
        var group = Cell(page, 0).GetByRole(AriaRole.Group, new() { Name = "Model" });
        Assert.Equal(3, await group.GetByRole(AriaRole.Radio).CountAsync());
        Assert.True(await group.GetByRole(AriaRole.Radio, new() { Name = "small" }).IsCheckedAsync());

        await group.GetByRole(AriaRole.Radio, new() { Name = "large" }).CheckAsync();
        await WaitShownAsync(page, "size large\n");
        // The keyboard moves the choice as in any form: the arrow goes from large back to medium.
        await page.Keyboard.PressAsync("ArrowUp");
        await WaitShownAsync(page, "size medium\n");
        Assert.True(await group.GetByRole(AriaRole.Radio, new() { Name = "medium" }).IsCheckedAsync());
        await Screenshots.SaveAsync(page, "editor-widget-radio");
    }

    [BrowserFact]
    public async Task A_button_fills_an_output_that_later_cells_write_to_as_well()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var id = await session.CreateNotebookAsync("Generate",
            new { type = "code", source = "import ipywidgets as widgets\nout = widgets.Output()\nbutton = widgets.Button(description='Generate')\npresses = []\ndef on_click(b):\n    presses.append(1)\n    with out:\n        print('sample', len(presses))\nbutton.on_click(on_click)\ndisplay(button, out)" },
            new { type = "code", source = "with out:\n    print('from the second cell')" });
        var page = await session.OpenAsync(id);
        await RunSelectedCellAsync(page);

        var generate = Cell(page, 0).GetByRole(AriaRole.Button, new() { Name = "Generate" });
        await generate.ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('.cell .widget-outputs .output-stdout')?.textContent === 'sample 1\\n'", null, new() { Timeout = 30_000 });
        await generate.ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('.cell .widget-outputs .output-stdout')?.textContent === 'sample 1\\nsample 2\\n'", null, new() { Timeout = 30_000 });

        // The second cell writes into the first cell's Output, not its own.
        await Cell(page, 1).ClickAsync();
        await page.Keyboard.PressAsync("Shift+Enter");
        await WaitStateAsync(page, 1, "done");
        await page.WaitForFunctionAsync("() => document.querySelector('.cell .widget-outputs .output-stdout')?.textContent.endsWith('from the second cell\\n')", null, new() { Timeout = 30_000 });
        Assert.Equal(0, await Cell(page, 1).Locator(".output-stdout").CountAsync());
        await Screenshots.SaveAsync(page, "editor-widget-button-output");

        await EditorSession.ReloadWhenSavedAsync(page);
        Assert.Equal("sample 1\nsample 2\nfrom the second cell\n", await Cell(page, 0).Locator(".widget-outputs .output-stdout").Last.TextContentAsync());
    }

    [BrowserFact]
    public async Task A_tqdm_bar_fills_while_the_cell_runs_and_stays_green_after_a_reload()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var id = await session.CreateNotebookAsync("Training", new
        {
            type = "code",
            source = "import time\nimport ipywidgets as widgets\nfrom tqdm.notebook import tqdm\nstatus = widgets.Label('warming up')\ndisplay(status)\n" +
                     "for step in tqdm(range(30), desc='train'):\n    time.sleep(0.05)\n    status.value = f'step {step}'\nstatus.value = 'done'",
        });
        var page = await session.OpenAsync(id);
        await RunSelectedCellAsync(page, state: "running");
        // Live: the page shows a value between the ends while the loop still runs.
        await page.WaitForFunctionAsync("() => { const bar = document.querySelector('.widget-progress progress'); return bar && bar.value > 0 && bar.value < 30; }", null, new() { Timeout = 30_000 });
        await WaitStateAsync(page, 0, "done");
        var bar = Cell(page, 0).Locator(".widget-progress progress");
        await page.WaitForFunctionAsync("() => document.querySelector('.widget-progress progress')?.dataset.style === 'success'", null, new() { Timeout = 30_000 });
        Assert.Equal(("30", "30"), (await bar.EvaluateAsync<string>("b => String(b.value)"), await bar.EvaluateAsync<string>("b => String(b.max)")));
        Assert.Equal("train: 100%", await Cell(page, 0).Locator(".widget-progress .widget-label").TextContentAsync());
        Assert.StartsWith("30/30 [", await Cell(page, 0).Locator(".widget-progress output").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal("done", await Cell(page, 0).Locator(".widget-static .widget-static-text").TextContentAsync());
        await Screenshots.SaveAsync(page, "editor-widget-progress");

        await EditorSession.ReloadWhenSavedAsync(page);
        Assert.Equal("success", await Cell(page, 0).Locator(".widget-progress progress").GetAttributeAsync("data-style"));
        Assert.Equal("done", await Cell(page, 0).Locator(".widget-static .widget-static-text").TextContentAsync());
    }

    [BrowserFact]
    public async Task An_hbox_puts_its_widgets_side_by_side_in_one_output_that_a_button_updates()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var page = await OpenAndRunAsync(session, "Controls",
            "import ipywidgets as widgets\nstatus = widgets.Label('idle')\nruns = []\ndef train(button):\n    runs.append(1)\n    status.value = f'trained {len(runs)}'\n" +
            "go = widgets.Button(description='Train')\ngo.on_click(train)\nsteps = widgets.IntSlider(value=50, max=100, description='steps')\n" +
            "widgets.VBox([widgets.HBox([go, widgets.Button(description='Stop'), status]), steps])");
        Assert.Equal(1, await Cell(page, 0).Locator(".output-rich").CountAsync());
        var train = Cell(page, 0).GetByRole(AriaRole.Button, new() { Name = "Train" });
        var stop = Cell(page, 0).GetByRole(AriaRole.Button, new() { Name = "Stop" });
        var status = Cell(page, 0).Locator(".widget-static-text");
        var (trainBox, stopBox, statusBox) = ((await train.BoundingBoxAsync())!, (await stop.BoundingBoxAsync())!, (await status.BoundingBoxAsync())!);
        // A row: left to right on one line. The VBox puts the slider under it.
        Assert.True(trainBox.X < stopBox.X && stopBox.X < statusBox.X, $"{trainBox.X} {stopBox.X} {statusBox.X}");
        Assert.InRange(Math.Abs((trainBox.Y + trainBox.Height / 2) - (statusBox.Y + statusBox.Height / 2)), 0, 4);
        Assert.True((await Cell(page, 0).Locator(".widget-slider input").BoundingBoxAsync())!.Y > trainBox.Y + trainBox.Height);

        await train.ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('.widget-static-text')?.textContent === 'trained 1'", null, new() { Timeout = 30_000 });
        await train.ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('.widget-static-text')?.textContent === 'trained 2'", null, new() { Timeout = 30_000 });
        await Screenshots.SaveAsync(page, "editor-widget-boxes");

        await EditorSession.ReloadWhenSavedAsync(page);
        Assert.Equal("trained 2", await Cell(page, 0).Locator(".widget-box-row .widget-static-text").TextContentAsync());
    }

    [BrowserFact]
    public async Task A_number_box_and_a_textarea_drive_the_function()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var page = await OpenAndRunAsync(session, "Inputs",
            "import ipywidgets as widgets\nwidgets.interact(lambda prompt='Once', steps=3: print(repr(prompt), steps),\n" +
            "    prompt=widgets.Textarea('Once', rows=3), steps=widgets.BoundedIntText(value=3, min=1, max=9));");
        await WaitShownAsync(page, "'Once' 3\n");
        await Cell(page, 0).Locator(".widget-text textarea").FillAsync("Once\nupon");
        await WaitShownAsync(page, "'Once\\nupon' 3\n");
        await Cell(page, 0).Locator(".widget-number input[type=number]").FillAsync("7");
        await WaitShownAsync(page, "'Once\\nupon' 7\n");
        await Screenshots.SaveAsync(page, "editor-widget-inputs");
        // Out of range: the box says so itself and nothing is sent.
        await Cell(page, 0).Locator(".widget-number input[type=number]").FillAsync("70");
        await Task.Delay(500);
        Assert.Equal("'Once\\nupon' 7\n", await ShownAsync(page));
    }

    [BrowserFact]
    public async Task A_train_button_shows_a_tqdm_bar_in_an_output_that_fills_and_turns_green()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var page = await OpenAndRunAsync(session, "Train button",
            "import time\nimport ipywidgets as widgets\nfrom tqdm.notebook import tqdm\nout = widgets.Output()\ngo = widgets.Button(description='Train')\n" +
            "def train(_):\n    with out:\n        out.clear_output()\n        for step in tqdm(range(20), desc='epoch'):\n            time.sleep(0.05)\n        print('trained')\n" +
            "go.on_click(train)\nwidgets.VBox([go, out])");
        await Cell(page, 0).GetByRole(AriaRole.Button, new() { Name = "Train" }).ClickAsync();
        // Inside the Output, in the box: between the ends while training, then complete and green.
        await page.WaitForFunctionAsync("() => { const bar = document.querySelector('.widget-box .widget-outputs .widget-progress progress'); return bar && bar.value > 0 && bar.value < 20; }", null, new() { Timeout = 30_000 });
        await page.WaitForFunctionAsync("() => document.querySelector('.widget-box .widget-outputs .widget-progress progress')?.dataset.style === 'success'", null, new() { Timeout = 30_000 });
        await page.WaitForFunctionAsync("() => document.querySelector('.widget-box .widget-outputs .output-stdout')?.textContent === 'trained\\n'", null, new() { Timeout = 30_000 });
        Assert.Equal("epoch: 100%", await Cell(page, 0).Locator(".widget-outputs .widget-progress .widget-label").TextContentAsync());
        await Screenshots.SaveAsync(page, "editor-widget-train-button");
    }
}
