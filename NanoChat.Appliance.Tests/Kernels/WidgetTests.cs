using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace NanoChat.Appliance.Tests.Kernels;

/// <summary>
/// ipywidgets' interact through the appliance: the cell shows controls made from the function's
/// arguments, and `POST /api/widgets/{id}` (what the page sends when a control moves) runs the
/// function again in the notebook's namespace and replaces that output (update_display), without
/// numbering a cell. Real worker, real CPython, real HTTP.
/// </summary>
[Collection(PythonKernelCollection.Name)]
public sealed class WidgetTests
{
    private const string WidgetMime = "application/vnd.nanochat.widget+json";

    private static JsonObject Widget(JsonObject display) => display["data"]![WidgetMime]!.AsObject();

    private static Task<CellRun> ChangeAsync(KernelSession session, string widgetId, object values, long? notebookId = null, HttpClient? http = null) =>
        KernelSession.PostEventsAsync(http ?? session.Http, $"/api/widgets/{widgetId}", new { notebookId = notebookId ?? session.NotebookId, values });

    private static string StreamText(JsonObject widget) =>
        string.Concat(widget["outputs"]!.AsArray().Where(o => (string?)o!["output_type"] == "stream").Select(o => (string?)o!["text"]));

    [Fact]
    public async Task Interact_shows_controls_and_a_change_reruns_the_function_in_place()
    {
        await using var session = await KernelSession.StartAsync();
        var shown = await session.RunAsync("""
            from ipywidgets import interact, fixed
            calls = []
            def train(steps=10, lr=0.1, optimizer="adam", verbose=True, name="run", seed=fixed(7)):
                calls.append(steps)
                print(f"{name}: {steps} steps at {lr} with {optimizer}, verbose={verbose}, seed={seed}")
            interact(train, steps=(1, 100), lr=(0.001, 1.0), optimizer=["adam", "sgd"]);
            """);
        Assert.Equal("ok", shown.Status);
        var display = Assert.Single(shown.Displays);
        var widget = Widget(display);
        var id = (string)widget["id"]!;
        Assert.Equal(id, (string?)display["displayId"]);
        Assert.Equal(["steps", "lr", "optimizer", "verbose", "name"], widget["controls"]!.AsArray().Select(c => (string)c!["name"]!));
        var controls = widget["controls"]!.AsArray().ToDictionary(c => (string)c!["name"]!, c => c!.AsObject());
        Assert.Equal(("slider", 10, 1, 100, true), ((string)controls["steps"]["kind"]!, (int)controls["steps"]["value"]!, (int)controls["steps"]["min"]!, (int)controls["steps"]["max"]!, (bool)controls["steps"]["integer"]!));
        Assert.Equal((0.1, 0.001, false), ((double)controls["lr"]["value"]!, (double)controls["lr"]["step"]!, (bool)controls["lr"]["integer"]!));
        Assert.Equal(["adam", "sgd"], controls["optimizer"]["options"]!.AsArray().Select(o => (string)o!));
        Assert.Equal(("checkbox", "text"), ((string)controls["verbose"]["kind"]!, (string)controls["name"]["kind"]!));
        Assert.Equal("run: 10 steps at 0.1 with adam, verbose=True, seed=7\n", StreamText(widget));
        Assert.Contains("interactive(", (string?)display["data"]!["text/plain"], StringComparison.Ordinal);

        var changed = await ChangeAsync(session, id, new { steps = 42, optimizer = 1, verbose = false, name = "tiny" });
        Assert.Equal("ok", changed.Status);
        var update = Assert.Single(changed.Events, e => (string?)e.Data["type"] == "update_display").Data;
        Assert.Equal(id, (string?)update["displayId"]);
        Assert.Equal("tiny: 42 steps at 0.1 with sgd, verbose=False, seed=7\n", StreamText(Widget(update)));
        Assert.Equal(42, (int)Widget(update)["controls"]![0]!["value"]!);
        // Not a cell: the next cell is numbered 2, and it sees what the function did.
        var next = await session.RunAsync("calls");
        Assert.Equal(("[10, 42]", 2), (next.Result, (int)next.Done["executionCount"]!));
        // A slider clamps to its range.
        Assert.StartsWith("tiny: 100 steps", StreamText(Widget((await ChangeAsync(session, id, new { steps = 1000 })).Events.Single(e => (string?)e.Data["type"] == "update_display").Data)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_changes_are_refused_with_a_reason()
    {
        await using var session = await KernelSession.StartAsync();
        var id = (string)Widget(Assert.Single((await session.RunAsync("from ipywidgets import interact\ninteract(lambda k=3: print(k), k=(1, 5));")).Displays))["id"]!;
        foreach (var (values, reason) in new (object, string)[] { (new { k = "three" }, "needs a number"), (new { missing = 1 }, "no argument 'missing'") })
        {
            var refused = await ChangeAsync(session, id, values);
            Assert.Equal(("error", "UsageError"), (refused.Status, (string?)refused.Error!["ename"]));
            Assert.Contains(reason, (string?)refused.Error["evalue"], StringComparison.Ordinal);
        }
        var unknown = await ChangeAsync(session, new string('a', 32), new { k = 2 });
        Assert.Contains("run the cell again", (string?)unknown.Error!["evalue"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await session.Http.PostAsJsonAsync("/api/widgets/not-an-id", new { notebookId = session.NotebookId, values = new { k = 2 } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await session.Http.PostAsJsonAsync($"/api/widgets/{id}", new { notebookId = session.NotebookId })).StatusCode);

        // Another student cannot drive it: not their notebook, and their kernel does not know it.
        using var bob = await session.Server.SignUpAsync("bob");
        Assert.Equal(HttpStatusCode.NotFound, (await bob.Http.PostAsJsonAsync($"/api/widgets/{id}", new { notebookId = session.NotebookId, values = new { k = 2 } })).StatusCode);
        var bobsNotebook = await KernelSession.CreateNotebookAsync(bob.Http);
        Assert.Contains("run the cell again", (string?)(await ChangeAsync(session, id, new { k = 2 }, bobsNotebook, bob.Http)).Error!["evalue"], StringComparison.Ordinal);

        // After a restart the function is gone with the kernel.
        (await session.Http.PostAsync("/api/kernel/restart", null)).EnsureSuccessStatusCode();
        Assert.Contains("run the cell again", (string?)(await ChangeAsync(session, id, new { k = 2 })).Error!["evalue"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Errors_figures_and_values_of_the_function_are_its_outputs_and_other_forms_work()
    {
        await using var session = await KernelSession.StartAsync();
        var run = await session.RunAsync("""
            import ipywidgets as widgets
            from ipywidgets import interact, interact_manual, interactive
            import matplotlib.pyplot as plt
            def show(x=1.0):
                print("x is", x)
                plt.plot([0, x]); plt.show()
                if x > 2:
                    raise ValueError("x too large")
                return x * 2
            @interact(x=widgets.FloatSlider(value=1.0, min=0.0, max=3.0, step=0.5, description="scale"))
            def decorated(x):
                return show(x)
            interact_manual(show, x=(0.0, 3.0));
            chosen = interactive(lambda mode="a": mode.upper(), mode={"first": "a", "second": "b"})
            chosen
            """);
        Assert.Equal("ok", run.Status);
        var widgets = run.Displays.Select(Widget).ToList();
        Assert.Equal(3, widgets.Count);
        var decorated = widgets[0];
        Assert.Equal("scale", (string?)decorated["controls"]![0]!["description"]);
        Assert.Equal(["stream", "display_data", "display_data"], decorated["outputs"]!.AsArray().Select(o => (string)o!["output_type"]!));
        Assert.NotNull(decorated["outputs"]![1]!["data"]!["image/png"]);
        Assert.Equal("2.0", (string?)decorated["outputs"]![2]!["data"]!["text/plain"]);
        // interact_manual: nothing runs until the student presses Run.
        Assert.Equal((true, 0), ((bool)widgets[1]["manual"]!, widgets[1]["outputs"]!.AsArray().Count));
        Assert.Equal(["first", "second"], widgets[2]["controls"]![0]!["options"]!.AsArray().Select(o => (string)o!));
        Assert.Equal("'A'", (string?)widgets[2]["outputs"]![0]!["data"]!["text/plain"]);

        // An error in the function is shown under the controls; the change itself went fine.
        var failing = await ChangeAsync(session, (string)decorated["id"]!, new { x = 2.5 });
        Assert.Equal("ok", failing.Status);
        var error = Widget(failing.Events.Single(e => (string?)e.Data["type"] == "update_display").Data)["outputs"]!.AsArray().Last()!;
        Assert.Equal(("error", "ValueError"), ((string?)error["output_type"], (string?)error["ename"]));
        Assert.Contains("raise ValueError", string.Join("\n", error["traceback"]!.AsArray().Select(l => (string)l!)), StringComparison.Ordinal);
        // interactive() keeps what the controls chose and what the function returned.
        Assert.Equal("ok", (await ChangeAsync(session, (string)widgets[2]["id"]!, new { mode = 1 })).Status);
        Assert.Equal("('b', 'B')", (await session.RunAsync("chosen.kwargs['mode'], chosen.result")).Result);

        // A figure drawn without plt.show() is the function's output too, not the cell's.
        var drawn = await session.RunAsync("def draw(n=2):\n    plt.figure(); plt.plot(range(n))\ninteract(draw, n=(2, 5));");
        Assert.Equal([WidgetMime], drawn.Displays.Select(d => d["data"]!.AsObject().First().Key));
        Assert.NotNull(Widget(drawn.Displays.Single())["outputs"]![0]!["data"]!["image/png"]);

        // A default that makes no control (a model, say) is passed as it is.
        var model = await session.RunAsync("class Model: pass\ntrained = Model()\ninteract(lambda k=2, model=trained: print(k, type(model).__name__), k=(1, 3));");
        Assert.Equal(["k"], Widget(model.Displays.Single())["controls"]!.AsArray().Select(c => (string)c!["name"]!));
        Assert.Equal("2 Model\n", StreamText(Widget(model.Displays.Single())));

        var unsupported = await session.RunAsync("widgets.Accordion()");
        Assert.Equal("AttributeError", (string?)unsupported.Error!["ename"]);
        Assert.Contains("interact, interactive and interact_manual", (string?)unsupported.Error["evalue"], StringComparison.Ordinal);
    }

    private static IEnumerable<JsonObject> Updates(CellRun run, string displayId) =>
        run.Events.Select(e => e.Data).Where(e => (string?)e["type"] == "update_display" && (string?)e["displayId"] == displayId).Select(e => e["data"]![WidgetMime]!.AsObject());

    [Fact]
    public async Task A_button_fills_an_output_and_a_slider_on_its_own_calls_its_observers()
    {
        await using var session = await KernelSession.StartAsync();
        var shown = await session.RunAsync("""
            import ipywidgets as widgets
            out = widgets.Output()
            button = widgets.Button(description="Generate")
            presses = []
            def on_click(b):
                presses.append(b.description)
                with out:
                    print("sample", len(presses))
            button.on_click(on_click)
            k = widgets.IntSlider(value=3, min=0, max=10, description="top k")
            k.observe(lambda change: print("top k", change["old"], "->", change["new"]), names="value")
            display(k, button, out)
            """);
        Assert.Equal("ok", shown.Status);
        var (slider, pressable, output) = (shown.Displays.ElementAt(0), shown.Displays.ElementAt(1), shown.Displays.ElementAt(2));
        Assert.Equal("slider", (string?)Widget(slider)["controls"]![0]!["kind"]);
        Assert.Equal(("button", "Generate"), ((string?)Widget(pressable)["controls"]![0]!["kind"], (string?)Widget(pressable)["controls"]![0]!["description"]));
        Assert.Empty(Widget(output)["controls"]!.AsArray());
        var (sliderId, buttonId, outputId) = ((string)slider["displayId"]!, (string)pressable["displayId"]!, (string)output["displayId"]!);

        // A press runs the handler; what it prints inside `with out:` replaces the Output's display.
        var pressed = await ChangeAsync(session, buttonId, new { presses = 1 });
        Assert.Equal("ok", pressed.Status);
        Assert.Equal("sample 1\n", StreamText(Updates(pressed, outputId).Last()));
        Assert.Equal("sample 1\nsample 2\n", StreamText(Updates(await ChangeAsync(session, buttonId, new { presses = 2 }), outputId).Last()));

        // The slider: the observer gets old and new, its print shows under the slider.
        var moved = await ChangeAsync(session, sliderId, new { value = 7 });
        var update = Updates(moved, sliderId).Last();
        Assert.Equal(7, (int)update["controls"]![0]!["value"]!);
        Assert.Equal("top k 3 -> 7\n", StreamText(update));

        // From a later cell: setting the value moves the slider; an error inside `with out:` shows in the
        // Output and the cell goes on; clear_output() inside the block starts it afresh.
        var later = await session.RunAsync("""
            k.value = 99
            with out:
                1 / 0
            print("went on", presses)
            """);
        Assert.Equal(("ok", "went on ['Generate', 'Generate']\n"), (later.Status, later.Stdout));
        Assert.Equal(10, (int)Updates(later, sliderId).Last()["controls"]![0]!["value"]!); // clamped to max, as ipywidgets does
        var failed = Updates(later, outputId).Last()["outputs"]!.AsArray();
        Assert.Equal(["stream", "error"], failed.Select(o => (string?)o!["output_type"]));
        Assert.Equal("ZeroDivisionError", (string?)failed[1]!["ename"]);
        var fresh = await session.RunAsync("from IPython.display import clear_output\nwith out:\n    clear_output()\n    print('fresh')");
        Assert.Equal("fresh\n", StreamText(Updates(fresh, outputId).Last()));
        Assert.Single(Updates(fresh, outputId).Last()["outputs"]!.AsArray());

        // Bad presses are refused by name; what is not here says what is.
        Assert.Equal("error", (await ChangeAsync(session, buttonId, new { presses = "many" })).Status);
        var missing = await session.RunAsync("widgets.Tab()");
        Assert.Contains("Button, Output, VBox, HBox", (string?)missing.Error!["evalue"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Boxes_lay_widgets_out_in_one_output_and_a_change_of_a_child_shows_the_box_anew()
    {
        await using var session = await KernelSession.StartAsync();
        var shown = await session.RunAsync("""
            import ipywidgets as widgets
            k = widgets.IntSlider(value=3, max=10, description="top k")
            label = widgets.Label("k is 3")
            out = widgets.Output()
            k.observe(lambda change: setattr(label, "value", "k is %d" % change["new"]), names="value")
            box = widgets.VBox([widgets.HBox([k, label]), out, 42])
            box
            """);
        Assert.Equal("ok", shown.Status);
        var display = Assert.Single(shown.Displays); // one output, however many widgets
        var boxId = (string)display["displayId"]!;
        var column = Widget(display);
        Assert.Equal(("column", 3), ((string?)column["box"], column["children"]!.AsArray().Count));
        var row = column["children"]![0]!.AsObject();
        Assert.Equal("row", (string?)row["box"]);
        var (slider, text) = (row["children"]![0]!.AsObject(), row["children"]![1]!.AsObject());
        Assert.Equal(("slider", "static", "k is 3"), ((string?)slider["controls"]![0]!["kind"], (string?)text["controls"]![0]!["kind"], (string?)text["controls"]![0]!["value"]));
        // Not a widget: shown as display() shows it.
        Assert.Equal("42", (string?)column["children"]![2]!["outputs"]![0]!["data"]!["text/plain"]);

        // The page sends a child's change under the child's id; the box comes back with the change.
        var moved = await ChangeAsync(session, (string)slider["id"]!, new { value = 7 });
        Assert.Equal("ok", moved.Status);
        var after = Updates(moved, boxId).Last()["children"]![0]!["children"]!.AsArray();
        Assert.Equal((7, "k is 7"), ((int)after[0]!["controls"]![0]!["value"]!, (string?)after[1]!["controls"]![0]!["value"]));

        var printed = await session.RunAsync("with out:\n    print('hi')");
        Assert.Equal("hi\n", StreamText(Updates(printed, boxId).Last()["children"]![1]!.AsObject()));
        Assert.Equal("error", (await ChangeAsync(session, boxId, new { value = 1 })).Status);
    }

    [Fact]
    public async Task An_output_shows_a_long_block_while_it_runs_and_keeps_only_its_newest_text()
    {
        await using var session = await KernelSession.StartAsync();
        var run = await session.RunAsync("""
            import time, ipywidgets as widgets
            out = widgets.Output()
            display(out)
            with out:
                for step in range(3):
                    print("step", step, flush=True)
                    time.sleep(0.6)
                for line in range(5000):
                    print(f"line {line:05d} " + "x" * 30)
            """);
        Assert.Equal("ok", run.Status);
        var id = (string)run.Displays.Single()["displayId"]!;
        var updates = Updates(run, id).ToList();
        // Shown while the block still ran (before its last step), not only at its end.
        Assert.Contains(updates, u => StreamText(u) is "step 0\n" or "step 0\nstep 1\n");
        var last = updates.Last()["outputs"]!.AsArray();
        Assert.Contains("not kept", (string?)last[0]!["text"], StringComparison.Ordinal);
        var text = StreamText(updates.Last());
        Assert.EndsWith("line 04999 " + new string('x', 30) + "\n", text, StringComparison.Ordinal);
        Assert.StartsWith("line ", (string?)last[1]!["text"], StringComparison.Ordinal); // from a line's start
        Assert.True(text.Length < 21_000, $"an Output keeps about 20,000 characters, kept {text.Length}");
    }
}
