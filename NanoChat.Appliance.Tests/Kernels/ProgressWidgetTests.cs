using System.Text.Json.Nodes;

namespace NanoChat.Appliance.Tests.Kernels;

/// <summary>
/// Progress bars (Worker/Python/kernel_progress.py): ipywidgets' IntProgress and FloatProgress,
/// Label and HTML, and tqdm's notebook bars (tqdm.notebook, tqdm.auto) drawn with the same progress
/// control. Real worker, real CPython, real tqdm, real HTTP.
/// </summary>
[Collection(PythonKernelCollection.Name)]
public sealed class ProgressWidgetTests
{
    private const string WidgetMime = "application/vnd.nanochat.widget+json";

    private static JsonObject Control(JsonObject displayOrUpdate) => displayOrUpdate["data"]![WidgetMime]!["controls"]!.AsArray().Single()!.AsObject();

    private static List<JsonObject> Updates(CellRun run) =>
        run.Events.Where(e => (string?)e.Data["type"] == "update_display").Select(e => e.Data).ToList();

    [Fact]
    public async Task Tqdm_notebook_bars_fill_a_progress_control_green_when_done_red_when_stopped_and_gone_with_leave_false()
    {
        await using var session = await KernelSession.StartAsync();
        foreach (var module in new[] { "tqdm.notebook", "tqdm.auto" })
        {
            var run = await session.RunAsync($"import time\nfrom {module} import tqdm, trange\nfor step in tqdm(range(20), desc='steps'):\n    time.sleep(0.02)\nlen(list(trange(3)))");
            Assert.Equal(("ok", "3"), (run.Status, run.Result));
            Assert.Equal("", run.Stderr); // no text bar besides the control
            var shown = run.Displays.First(d => d["data"]?[WidgetMime] is not null);
            var first = Control(shown);
            Assert.Equal(("progress", "steps:   0%", 0.0, 20.0, "0/20 [00:00<?, ?it/s]"),
                ((string)first["kind"]!, (string)first["description"]!, (double)first["value"]!, (double)first["max"]!, (string)first["text"]!));
            // The text bar, for a notebook opened where this control is unknown.
            Assert.StartsWith("steps:   0%|", (string)shown["data"]!["text/plain"]!, StringComparison.Ordinal);

            var updates = Updates(run).Where(u => (string?)u["displayId"] == (string?)shown["displayId"]).Select(Control).ToList();
            // 0.4 s of steps: values in between reach the page while it runs, throttled, not one per step.
            Assert.Contains(updates, u => (double)u["value"]! is > 0 and < 20);
            Assert.InRange(updates.Count, 2, 12);
            var last = updates[^1];
            Assert.Equal(("steps: 100%", 20.0, "success"), ((string)last["description"]!, (double)last["value"]!, (string)last["barStyle"]!));
            Assert.StartsWith("20/20 [", (string)last["text"]!, StringComparison.Ordinal);
        }

        var stopped = await session.RunAsync("for i in tqdm(range(10)):\n    if i == 4: raise ValueError('diverged')");
        Assert.Equal(("error", "diverged"), (stopped.Status, (string?)stopped.Error!["evalue"]));
        var red = Control(Updates(stopped)[^1]);
        Assert.Equal((4.0, "danger"), ((double)red["value"]!, (string)red["barStyle"]!));

        var gone = await session.RunAsync("for i in tqdm(range(5), leave=False): pass");
        Assert.Empty(Updates(gone)[^1]["data"]![WidgetMime]!["controls"]!.AsArray());

        // No total known: a full bar in the info style while it runs, with the count and the rate.
        var unknown = await session.RunAsync("for i in tqdm(iter(range(7)), desc='tokens'): pass");
        var info = Control(unknown.Displays.Single());
        Assert.Equal(("info", 1.0, 1.0), ((string)info["barStyle"]!, (double)info["value"]!, (double)info["max"]!));
        var counted = Control(Updates(unknown)[^1]);
        Assert.Equal("success", (string)counted["barStyle"]!);
        Assert.StartsWith("tokens: 7it [", (string)counted["text"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bar_set_a_million_times_sends_a_few_updates_and_its_last_value_and_labels_update_in_place()
    {
        await using var session = await KernelSession.StartAsync();
        var run = await session.RunAsync("""
            import ipywidgets as widgets
            bar = widgets.IntProgress(max=1_000_000, description="train")
            display(bar)
            for i in range(999_999):
                bar.value = i
            """);
        Assert.Equal("ok", run.Status);
        var updates = Updates(run);
        Assert.InRange(updates.Count, 1, 60);
        // 999,998 is not the end of the bar, so only the end of the cell sends it.
        Assert.Equal(999_998, (int)Control(updates[^1])["value"]!);

        var styled = await session.RunAsync("bar.value = 5_000_000\nbar.bar_style = 'success'\nbar.value");
        Assert.Equal("1000000", styled.Result); // clamped to max, as in ipywidgets
        Assert.Equal((1_000_000, "success"), ((int)Control(Updates(styled)[^1])["value"]!, (string)Control(Updates(styled)[^1])["barStyle"]!));

        // Held at its end, a bar is sent once, not at every set (nor every 0.1 s while nothing changes).
        var held = await session.RunAsync("for _ in range(100_000):\n    bar.value = bar.max");
        Assert.Empty(Updates(held));

        var labels = await session.RunAsync("""
            status = widgets.Label("epoch 1")
            loss = widgets.HTML("<b>loss</b> 3.2")
            display(status, loss)
            status.value = "epoch 2"
            loss.value = "<b>loss</b> 2.9"
            """);
        Assert.Equal("ok", labels.Status);
        var label = Updates(labels).Select(u => u["data"]![WidgetMime]!).First(w => w["controls"]!.AsArray().Count == 1);
        Assert.Equal(("static", "epoch 2"), ((string)label["controls"]![0]!["kind"]!, (string)label["controls"]![0]!["value"]!));
        var html = Updates(labels).Select(u => u["data"]![WidgetMime]!).First(w => w["controls"]!.AsArray().Count == 0);
        Assert.Equal("<b>loss</b> 2.9", (string)html["outputs"]![0]!["data"]!["text/html"]!);

        var wrong = await session.RunAsync("bar.bar_style = 'purple'");
        Assert.Contains("bar_style must be one of", (string?)wrong.Error!["evalue"], StringComparison.Ordinal);
        // The page cannot move a bar or edit a label: only the kernel sets them.
        var id = (string)run.Displays.Single()["displayId"]!;
        var refused = await KernelSession.PostEventsAsync(session.Http, $"/api/widgets/{id}", new { notebookId = session.NotebookId, values = new { value = 3 } });
        Assert.Equal("IntProgress is set from code, not from the page", (string?)refused.Error!["evalue"]);
    }

    [Fact]
    public async Task A_bar_shown_inside_an_output_or_a_click_handler_moves_there_live_and_ends_there_complete()
    {
        await using var session = await KernelSession.StartAsync();
        // A bar inside an Output is not on the page under its own id: the Output carries it.
        var inOutput = await session.RunAsync("""
            import time
            import ipywidgets as widgets
            from tqdm.notebook import tqdm
            out = widgets.Output()
            display(out)
            with out:
                print("training")
                for step in tqdm(range(6), desc="epoch"):
                    time.sleep(0.06)
            """);
        Assert.Equal("ok", inOutput.Status);
        var outId = (string)inOutput.Displays.Single()["displayId"]!;
        var carried = Updates(inOutput).Where(u => (string?)u["displayId"] == outId)
            .Select(u => u["data"]![WidgetMime]!["outputs"]!.AsArray().FirstOrDefault(o => o!["data"]?[WidgetMime] is not null))
            .Where(bar => bar is not null).Select(bar => Control(bar!.AsObject())).ToList();
        Assert.Contains(carried, bar => (double)bar["value"]! is > 0 and < 6); // while the block ran
        Assert.Equal(("epoch: 100%", "success"), ((string)carried[^1]["description"]!, (string)carried[^1]["barStyle"]!));

        // A bar a click handler shows moves under the button while the handler runs.
        var button = await session.RunAsync("""
            bar = widgets.IntProgress(max=4, description="steps")
            def train(_):
                display(bar)
                for i in range(5):
                    bar.value = i
                    time.sleep(0.12)
            go = widgets.Button(description="Train")
            go.on_click(train)
            go
            """);
        var buttonId = (string)button.Displays.Single()["displayId"]!;
        var pressed = await KernelSession.PostEventsAsync(session.Http, $"/api/widgets/{buttonId}", new { notebookId = session.NotebookId, values = new { presses = 1 } });
        Assert.Equal("ok", pressed.Status);
        var underButton = Updates(pressed).Where(u => (string?)u["displayId"] == buttonId)
            .Select(u => u["data"]![WidgetMime]!["outputs"]!.AsArray().FirstOrDefault())
            .Where(bar => bar is not null).Select(bar => (int)Control(bar!.AsObject())["value"]!).ToList();
        Assert.Contains(underButton, value => value is > 0 and < 4);
        Assert.Equal(4, underButton[^1]);
    }
}
