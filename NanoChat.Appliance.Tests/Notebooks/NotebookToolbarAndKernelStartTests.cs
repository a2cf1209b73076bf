using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using NanoChat.Appliance.Tests.Infrastructure;
using static NanoChat.Appliance.Tests.Notebooks.EditorSession;

namespace NanoChat.Appliance.Tests.Notebooks;

/// <summary>
/// On a lab's 1366×900 screen: kernel and save state stay in the sticky toolbar while the page
/// scrolls, and nothing above the cells moves while a cell runs; opening a notebook starts the
/// student's kernel (never for the instructor's read-only view of a student's notebook).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NotebookToolbarAndKernelStartTests(BrowserFixture browser)
{
    // Where the cells start and how tall the toolbar is, sampled every frame until stopped.
    private const string WatchLayout = """
        () => {
          window.layout = { cellsTop: new Set(), toolbar: new Set(), badges: new Set() };
          const sample = () => {
            const cells = document.querySelector('#cells').getBoundingClientRect().top + window.scrollY;
            window.layout.cellsTop.add(Math.round(cells));
            window.layout.toolbar.add(Math.round(document.querySelector('.notebook-toolbar').getBoundingClientRect().height));
            const kernel = document.querySelector('#kernel-badge').getBoundingClientRect();
            const save = document.querySelector('#save-state').getBoundingClientRect();
            window.layout.badges.add(`${Math.round(kernel.left)},${Math.round(kernel.width)},${Math.round(save.left)},${Math.round(save.width)}`);
            if (!window.layoutStop) requestAnimationFrame(sample);
          };
          sample();
        }
        """;

    [BrowserFact]
    public async Task Kernel_and_save_state_stay_in_sight_and_nothing_above_the_cells_moves_while_a_cell_runs()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var cells = new List<object> { new { type = "code", source = "import time\nfor step in range(8):\n    print(f'step {step}: loss {2.5 - step * 0.2:.2f}', flush=True)\n    time.sleep(0.5)" } };
        for (var n = 0; n < 12; n++)
            cells.Add(new { type = "markdown", source = $"## Part {n}\n\nSome text to scroll past.\n\n" + string.Join("\n\n", Enumerable.Repeat("A paragraph of the lesson.", 4)) });
        // A tutorial-length title, as a class sees it.
        var id = await session.CreateNotebookAsync("A tiny GPT from scratch, on the CPU (week 3)", [.. cells]);
        var page = await session.OpenAsync(id, 1366, 900);
        // From the badge's first answer on: whatever the kernel does next must move nothing.
        await page.WaitForFunctionAsync("() => document.querySelector('#kernel-badge').dataset.state !== 'unknown'");
        await page.EvaluateAsync(WatchLayout);

        await ClickRunAsync(page);
        await page.WaitForFunctionAsync("() => document.querySelector('.cell .output-stdout')?.textContent.includes('step 2')", null, new() { Timeout = 60_000 });
        await page.WaitForFunctionAsync("() => document.querySelector('#kernel-badge').dataset.state === 'busy'");
        await Screenshots.SaveAsync(page, "notebook-running-1366");
        await page.Locator(".cell").Nth(1).ClickAsync(); // an edit while it runs: the save badge changes too
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.TypeAsync(" more");

        // Scrolled far down, mid-run: both badges are still on the screen, in the toolbar.
        await page.Mouse.WheelAsync(0, 4000);
        await page.WaitForFunctionAsync("() => window.scrollY > 1500");
        foreach (var badge in new[] { "#kernel-badge", "#save-state" })
        {
            var box = await page.Locator(badge).BoundingBoxAsync();
            Assert.True(box is { Y: >= 0 } && box.Y + box.Height <= 900, $"{badge} is at {box?.Y} after scrolling");
            Assert.Equal(1, await page.Locator($".notebook-toolbar {badge}").CountAsync());
        }
        await Screenshots.SaveAsync(page, "notebook-running-1366-scrolled");
        await WaitStateAsync(page, 0, "done");
        await WaitSavedAsync(page);
        await page.EvaluateAsync("() => { window.layoutStop = true; }");

        var layout = JsonNode.Parse(await page.EvaluateAsync<string>("() => JSON.stringify({ cellsTop: [...window.layout.cellsTop], toolbar: [...window.layout.toolbar], badges: [...window.layout.badges] })"))!;
        // Idle, starting, busy, saving, saved: the cells never moved and the badges kept their place and width.
        Assert.True(layout["cellsTop"]!.AsArray().Count == 1, $"the cells started at {layout["cellsTop"]!.ToJsonString()} px during the run");
        Assert.True(layout["toolbar"]!.AsArray().Count == 1, $"the toolbar was {layout["toolbar"]!.ToJsonString()} px tall during the run");
        Assert.True(layout["badges"]!.AsArray().Count == 1, $"the badges were at {layout["badges"]!.ToJsonString()} during the run");
    }

    [BrowserFact]
    public async Task Opening_a_notebook_starts_the_kernel_so_the_first_run_does_not_wait_for_it()
    {
        await using var session = await EditorSession.StartAsync(browser, withKernel: true);
        var id = await session.CreateNotebookAsync("Warm", new { type = "code", source = "print('hello')" });
        Assert.Equal("stopped", (string?)(await session.User.Http.GetFromJsonAsync<JsonObject>("/api/kernel"))!["state"]);

        var page = await session.OpenAsync(id);
        // Nothing was run, and the kernel comes up by itself.
        await page.WaitForFunctionAsync("() => document.querySelector('#kernel-badge').dataset.state === 'idle'", null, new() { Timeout = 60_000 });
        var kernel = (await session.User.Http.GetFromJsonAsync<JsonObject>("/api/kernel"))!;
        Assert.Equal("idle", (string?)kernel["state"]);
        Assert.NotNull(kernel["pid"]);
        Assert.Equal(0, await page.Locator(".cell .output").CountAsync());

        // The first Run then finds it running: no "starting" step.
        await ClickRunAsync(page);
        await WaitStateAsync(page, 0, "done");
        Assert.Equal("hello\n", await Cell(page, 0).Locator(".output-stdout").TextContentAsync());
        Assert.Equal((long)kernel["pid"]!, (long)(await session.User.Http.GetFromJsonAsync<JsonObject>("/api/kernel"))!["pid"]!);
    }

    [BrowserFact]
    public async Task The_instructors_read_only_view_of_a_students_notebook_starts_no_kernel()
    {
        await using var session = await EditorSession.StartAsync(browser, "teacher", withKernel: true);
        using var student = await session.Server.SignUpAsync("sam", Password);
        var project = await (await student.Http.PostAsJsonAsync("/api/projects", new { name = "Mine" })).ReadJsonAsync();
        var notebook = await (await student.Http.PostAsJsonAsync($"/api/projects/{project["id"]}/notebooks", new { name = "Sam's", cells = new[] { new { type = "code", source = "x = 1" } } })).ReadJsonAsync();

        var page = await session.OpenAsync(await session.CreateNotebookAsync("Teacher's own", new { type = "code", source = "" }));
        await page.WaitForFunctionAsync("() => document.querySelector('#kernel-badge').dataset.state === 'idle'", null, new() { Timeout = 60_000 });
        await page.GotoAsync($"/admin/notebooks/{notebook["id"]}");
        await Assertions.Expect(page.GetByText("read-only", new() { Exact = true })).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(1_000); // what a page start would have had time to ask for
        var kernels = (await session.User.Http.GetFromJsonAsync<JsonArray>("/api/admin/kernels"))!;
        Assert.DoesNotContain(kernels, row => (string?)row!["username"] == "sam");
        Assert.Equal("stopped", (string?)(await student.Http.GetFromJsonAsync<JsonObject>("/api/kernel"))!["state"]);
    }
}
