using System.Text.Json.Nodes;

namespace NanoChat.Appliance.Tests.Kernels;

/// <summary>
/// Textarea, number boxes, ToggleButtons and link/dlink (Worker/Python/kernel_widget_inputs.py):
/// what the page is sent, what it may send back, and links kept by the kernel, whether a value is
/// set from code or from the page. Real worker, real CPython, real HTTP.
/// </summary>
[Collection(PythonKernelCollection.Name)]
public sealed class WidgetInputTests
{
    private const string WidgetMime = "application/vnd.nanochat.widget+json";

    private static Task<CellRun> ChangeAsync(KernelSession session, string widgetId, object values) =>
        KernelSession.PostEventsAsync(session.Http, $"/api/widgets/{widgetId}", new { notebookId = session.NotebookId, values });

    private static JsonArray Children(JsonObject displayOrUpdate) => displayOrUpdate["data"]![WidgetMime]!["children"]!.AsArray();

    private static JsonObject Control(JsonNode child) => child["controls"]![0]!.AsObject();

    [Fact]
    public async Task Number_boxes_and_a_textarea_say_what_they_take_and_refuse_the_rest()
    {
        await using var session = await KernelSession.StartAsync();
        var shown = await session.RunAsync("""
            import ipywidgets as widgets
            steps = widgets.BoundedIntText(value=5, min=1, max=10, description="steps")
            lr = widgets.FloatText(value=0.5, step=0.1, description="lr")
            prompt = widgets.Textarea("Once upon", rows=4, description="prompt")
            mode = widgets.ToggleButtons(options=["greedy", "sampled"], description="mode")
            widgets.VBox([steps, lr, prompt, mode])
            """);
        Assert.Equal("ok", shown.Status);
        var children = Children(shown.Displays.Single());
        var (steps, lr, prompt, mode) = (Control(children[0]!), Control(children[1]!), Control(children[2]!), Control(children[3]!));
        Assert.Equal(("number", 5, 1.0, 10.0, true), ((string)steps["kind"]!, (int)steps["value"]!, (double)steps["min"]!, (double)steps["max"]!, (bool)steps["integer"]!));
        Assert.Equal(("number", 0.5, 0.1, false), ((string)lr["kind"]!, (double)lr["value"]!, (double)lr["step"]!, (bool)lr["integer"]!));
        Assert.Null(lr["min"]);
        Assert.Equal(("text", true, 4, "Once upon"), ((string)prompt["kind"]!, (bool)prompt["multiline"]!, (int)prompt["rows"]!, (string)prompt["value"]!));
        Assert.Equal("radio", (string)mode["kind"]!);

        var stepsId = (string)children[0]!["id"]!;
        Assert.Equal("ok", (await ChangeAsync(session, stepsId, new { value = 50 })).Status);
        Assert.Equal("10", (await session.RunAsync("steps.value")).Result); // clamped to the bounds
        var half = await ChangeAsync(session, stepsId, new { value = 2.5 });
        Assert.Contains("needs a whole number", (string?)half.Error!["evalue"], StringComparison.Ordinal);
        Assert.Equal("error", (await ChangeAsync(session, (string)children[1]!["id"]!, new { value = "fast" })).Status);
        Assert.Equal("ok", (await ChangeAsync(session, (string)children[2]!["id"]!, new { value = "Once upon\na time" })).Status);
        Assert.Equal("'Once upon\\na time'", (await session.RunAsync("prompt.value")).Result);
    }

    [Fact]
    public async Task Linked_values_follow_each_other_from_code_and_from_the_page_until_unlinked()
    {
        await using var session = await KernelSession.StartAsync();
        var shown = await session.RunAsync("""
            import ipywidgets as widgets
            slider = widgets.IntSlider(value=3, max=10, description="layers")
            box = widgets.IntText(value=1, description="layers")
            caption = widgets.Label()
            both = widgets.link((slider, "value"), (box, "value"))
            widgets.dlink((slider, "value"), (caption, "value"), transform=lambda n: f"{n} layers")
            print(box.value, caption.value)
            widgets.HBox([slider, box, caption])
            """);
        Assert.Equal(("ok", "3 3 layers\n"), (shown.Status, shown.Stdout)); // the target takes the source's value at once
        var boxId = (string)shown.Displays.Single()["displayId"]!;
        var numberId = (string)Children(shown.Displays.Single())[1]!["id"]!;

        // From the page: the number box moves the slider, and the caption follows the slider.
        var typed = await ChangeAsync(session, numberId, new { value = 8 });
        Assert.Equal("ok", typed.Status);
        var last = typed.Events.Last(e => (string?)e.Data["type"] == "update_display" && (string?)e.Data["displayId"] == boxId).Data;
        Assert.Equal([8, 8], Children(last).Take(2).Select(child => (int)Control(child!)["value"]!));
        Assert.Equal("8 layers", (string?)Control(Children(last)[2]!)["value"]);

        // From code, clamped by the slider and carried back to the box; after unlink, no more.
        Assert.Equal("(10, 10, '10 layers')", (await session.RunAsync("slider.value = 99\nslider.value, box.value, caption.value")).Result);
        Assert.Equal("(2, 10)", (await session.RunAsync("both.unlink()\nbox.value = 2\nbox.value, slider.value")).Result);

        var wrong = await session.RunAsync("widgets.link((slider, 'max'), (box, 'value'))");
        Assert.Contains("link joins the value of two controls", (string?)wrong.Error!["evalue"], StringComparison.Ordinal);
    }
}
