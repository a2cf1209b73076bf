using System.Net.Http.Json;
using Microsoft.Playwright;
using NanoChat.Appliance.Tests.Infrastructure;
using NanoChat.Appliance.Tests.Kernels;
using NanoChat.Appliance.Tests.Notebooks;

namespace NanoChat.Appliance.Tests.Admin;

/// <summary>
/// The instructor's console with three students training at once, on a lab's 1366×900 screen: the
/// Kernels panel fits with its buttons, names the notebook and cell each kernel runs with its live
/// progress, answers Interrupt and Stop with the row as it is after the action, and the student
/// reads the stop's reason once. Kernel starts and deaths are on the Events page with their reasons.
/// </summary>
[Collection(PythonKernelCollection.Name)]
public sealed class ConsoleKernelsBrowserTests : IAsyncLifetime
{
    private const string Training = "import time\nfor epoch in range(1000):\n    print(f'epoch {epoch}: loss {3 / (epoch + 1):.3f}', flush=True)\n    time.sleep(0.3)";
    private readonly BrowserFixture _browser = new();

    public Task InitializeAsync() => _browser.InitializeAsync();

    public Task DisposeAsync() => _browser.DisposeAsync();

    [BrowserFact]
    public async Task Three_running_kernels_fit_show_their_cells_and_stop_reaches_the_student_once()
    {
        await using var session = await EditorSession.StartAsync(_browser, "teacher", withKernel: true);
        var students = new List<(SignedInClient Client, long Notebook)>();
        foreach (var name in new[] { "amy", "ben" })
        {
            var student = await session.Server.SignUpAsync(name, EditorSession.Password);
            var project = await (await student.Http.PostAsJsonAsync("/api/projects", new { name = "Week 3" })).ReadJsonAsync();
            var notebook = await (await student.Http.PostAsJsonAsync($"/api/projects/{project["id"]}/notebooks", new
            {
                name = $"{name}'s bigram model",
                cells = new object[] { new { id = "intro", type = "markdown", source = "# Training" }, new { id = "train", type = "code", source = Training } },
            })).ReadJsonAsync();
            students.Add((student, (long)notebook["id"]!));
        }
        // The third student trains in the browser, to see what the page shows when the instructor stops it.
        using var cal = await session.Server.SignUpAsync("cal", EditorSession.Password);
        var calProject = await (await cal.Http.PostAsJsonAsync("/api/projects", new { name = "Week 3" })).ReadJsonAsync();
        var calNotebook = (long)(await (await cal.Http.PostAsJsonAsync($"/api/projects/{calProject["id"]}/notebooks", new
        {
            name = "cal's bigram model",
            cells = new object[] { new { id = "train", type = "code", source = Training } },
        })).ReadJsonAsync())["id"]!;
        var runs = students.Select(student => KernelSession.RunAsync(student.Client.Http, student.Notebook, Training, "train")).ToList();
        var calPage = await OpenAsAsync(session, "cal", $"/notebooks/{calNotebook}");
        await EditorSession.ClickRunAsync(calPage);

        var page = await OpenAsAsync(session, "teacher", "/admin", 1366, 900);
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        var panel = page.GetByTestId("kernels");
        var rows = panel.Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(3, new() { Timeout = 60_000 });
        foreach (var name in new[] { "amy", "ben", "cal" })
            await Assertions.Expect(Row(page, name).GetByTestId("kernel-progress")).ToContainTextAsync("epoch", new() { Timeout = 60_000 });
        await Assertions.Expect(Row(page, "amy")).ToContainTextAsync("amy's bigram model, cell 2");
        Assert.Equal($"/admin/notebooks/{students[0].Notebook}#cell-train", await Row(page, "amy").GetByRole(AriaRole.Link).GetAttributeAsync("href"));
        await Assertions.Expect(page.GetByTestId("kernel-limits")).ToContainTextAsync("memory");

        // At 1366 px every action button is on the screen and the panel does not scroll sideways.
        Assert.True(await panel.EvaluateAsync<bool>("p => p.scrollWidth <= p.clientWidth"), "the Kernels panel scrolls sideways");
        foreach (var button in await panel.GetByRole(AriaRole.Button).AllAsync())
        {
            var box = await button.BoundingBoxAsync();
            Assert.True(box is { X: >= 0 } && box.X + box.Width <= 1366, $"'{await button.TextContentAsync()}' is at x = {box?.X}");
        }
        await Screenshots.SaveAsync(page, "admin-console-three-kernels");

        // Interrupt: the panel that answers already shows the kernel idle, not the poll after it.
        var interrupted = page.WaitForResponseAsync(response => response.Url.EndsWith($"/admin/kernels/{students[1].Client.Id}/interrupt", StringComparison.Ordinal));
        await Row(page, "ben").GetByRole(AriaRole.Button, new() { Name = "Interrupt ben's kernel" }).ClickAsync();
        await interrupted;
        await Assertions.Expect(Row(page, "ben").GetByTestId("kernel-state")).ToHaveTextAsync("idle", new() { Timeout = 1_000 });
        Assert.Equal("interrupted", (await runs[1]).Status);

        // Stop: the row goes with the answer.
        var stopped = page.WaitForResponseAsync(response => response.Url.EndsWith($"/admin/kernels/{cal.Id}/stop", StringComparison.Ordinal));
        await Row(page, "cal").GetByRole(AriaRole.Button, new() { Name = "Stop cal's kernel" }).ClickAsync();
        await stopped;
        await Assertions.Expect(Row(page, "cal")).ToHaveCountAsync(0, new() { Timeout = 1_000 });
        // Cal reads why, once.
        await EditorSession.WaitStateAsync(calPage, 0, "killed");
        var calOutputs = await EditorSession.Cell(calPage, 0).Locator(".outputs").InnerTextAsync();
        Assert.Equal(1, CountOf(calOutputs, "Stopped by the instructor."));

        // The Events page's kernel filters show the starts and the deaths, with their reasons.
        await page.GotoAsync("/admin/events?kind=kernel-started");
        await Assertions.Expect(page.GetByTestId("events")).ToContainTextAsync("amy");
        await Assertions.Expect(page.GetByTestId("events")).ToContainTextAsync("to run a cell");
        await Assertions.Expect(page.GetByTestId("events")).ToContainTextAsync("a notebook was opened"); // cal's page and the teacher's own
        await page.GotoAsync("/admin/events?kind=kernel-ended");
        await Assertions.Expect(page.GetByTestId("events").Locator("tr", new() { HasText = "cal" })).ToContainTextAsync("Stopped by the instructor.");
        await Screenshots.SaveAsync(page, "admin-events-kernel-ended");
        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await session.User.Http.PostAsync($"/api/admin/kernels/{students[0].Client.Id}/stop", null)).StatusCode);
        Assert.Equal("killed", (await runs[0]).Status);
        foreach (var (client, _) in students)
            client.Dispose();
    }

    private static ILocator Row(IPage page, string username) => page.GetByTestId("kernels").Locator($"tbody tr[data-username='{username}']");

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
            count++;
        return count;
    }

    private async Task<IPage> OpenAsAsync(EditorSession session, string username, string path, int width = 1280, int height = 800)
    {
        var context = await _browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = session.Server.Address.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/login?returnUrl={Uri.EscapeDataString(path)}");
        await page.FillAsync("#username", username);
        await page.FillAsync("#password", EditorSession.Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync($"**{path}", new() { WaitUntil = WaitUntilState.Commit });
        if (path.StartsWith("/notebooks/", StringComparison.Ordinal))
            await EditorSession.WaitReadyAsync(page);
        return page;
    }
}
