using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Notebooks;

/// <summary>
/// What every editor test needs: the real server, a signed-up user with a project and a notebook
/// (made through the API), and a chromium page signed in through the /login form. Pages opened
/// with <see cref="OpenAsync"/> get their own browser context (cookies), like a second tab/kiosk.
/// </summary>
public sealed class EditorSession : IAsyncDisposable
{
    public const string Password = "correct horse battery";

    private readonly List<IBrowserContext> _contexts = [];

    private EditorSession(ApplianceServer server, SignedInClient user, BrowserFixture browser)
    {
        Server = server;
        User = user;
        Browser = browser;
    }

    public ApplianceServer Server { get; }
    public SignedInClient User { get; }
    public BrowserFixture Browser { get; }
    public long ProjectId { get; private set; }

    /// <summary>Uncaught exceptions and console errors of every page opened (shown when a test fails).</summary>
    public List<string> PageErrors { get; } = [];

    /// <summary>Debian's python3 runs the cells when a test needs a kernel.</summary>
    public const string DebianPython = "/usr/bin/python3";

    public static async Task<EditorSession> StartAsync(BrowserFixture browser, string username = "ada", bool withKernel = false)
    {
        var server = await ApplianceServer.StartAsync(configure: options =>
        {
            if (withKernel)
                options.PythonPath = DebianPython;
            else
                options.Kernels.StartOnOpen = false; // no worker (nor the appliance's venv) for tests that run no cell
        });
        var user = await server.SignUpAsync(username, Password);
        var session = new EditorSession(server, user, browser);
        var project = await user.Http.PostAsJsonAsync("/api/projects", new { name = "Class" });
        Assert.True(project.IsSuccessStatusCode, await project.Content.ReadAsStringAsync());
        session.ProjectId = (long)JsonNode.Parse(await project.Content.ReadAsStringAsync())!["id"]!;
        return session;
    }

    /// <summary>Creates a notebook through the API; cells are anonymous objects in the API's shape.</summary>
    public async Task<long> CreateNotebookAsync(string name, params object[] cells)
    {
        var response = await User.Http.PostAsJsonAsync($"/api/projects/{ProjectId}/notebooks", new { name, cells });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return (long)JsonNode.Parse(body)!["id"]!;
    }

    public async Task<JsonObject> GetNotebookAsync(long id) =>
        (JsonObject)JsonNode.Parse(await User.Http.GetStringAsync($"/api/notebooks/{id}"))!;

    /// <summary>A new signed-in browser context showing the notebook, once the editor is ready.</summary>
    public async Task<IPage> OpenAsync(long notebookId, int width = 1280, int height = 800, float scale = 1)
    {
        var context = await Browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Server.Address.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            DeviceScaleFactor = scale,
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(15_000);
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        page.PageError += (_, error) => PageErrors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
                PageErrors.Add(message.Text);
        };
        await page.GotoAsync($"/login?returnUrl=%2Fnotebooks%2F{notebookId}");
        await page.FillAsync("#username", User.Username);
        await page.FillAsync("#password", Password);
        await page.ClickAsync("button[type=submit]");
        // Signed in once the redirect commits; WaitReadyAsync then waits for the notebook itself. (Waiting
        // for the load event here timed out at 15 s now and then under the full suite's parallel load.)
        await page.WaitForURLAsync($"**/notebooks/{notebookId}", new() { WaitUntil = WaitUntilState.Commit });
        await WaitReadyAsync(page);
        return page;
    }

    public static Task WaitReadyAsync(IPage page) =>
        page.WaitForSelectorAsync("section.notebook[data-ready='true']");

    public static Task WaitSavedAsync(IPage page) =>
        page.WaitForSelectorAsync("#save-state[data-state='saved']");

    /// <summary>Once the notebook is saved, reloads the page and waits for it: what a student sees on coming back.</summary>
    public static async Task ReloadWhenSavedAsync(IPage page)
    {
        await WaitSavedAsync(page);
        await page.ReloadAsync();
        await WaitReadyAsync(page);
    }

    /// <summary>The index-th cell of the open notebook.</summary>
    public static ILocator Cell(IPage page, int index) => page.Locator(".cell").Nth(index);

    /// <summary>Waits until the index-th cell's state (idle, queued, running, done, error) is the one given.</summary>
    public static Task WaitStateAsync(IPage page, int index, string state, int timeoutMs = 60_000) =>
        page.WaitForFunctionAsync($"() => document.querySelectorAll('.cell')[{index}]?.dataset.state === '{state}'", null, new() { Timeout = timeoutMs });

    /// <summary>Presses Run cell (the selected cell; the first one after opening) and waits until the index-th cell's state is the one given.</summary>
    /// <summary>Presses the toolbar's Run (the selected cell) and returns at once.</summary>
    public static Task ClickRunAsync(IPage page) => page.GetByRole(AriaRole.Button, new() { Name = "Run cell", Exact = true }).First.ClickAsync();

    /// <summary>Presses Run and waits until cell <paramref name="index"/> is in <paramref name="state"/>.</summary>
    public static async Task RunSelectedCellAsync(IPage page, int index = 0, string state = "done")
    {
        await ClickRunAsync(page);
        await WaitStateAsync(page, index, state);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts)
            await context.CloseAsync();
        User.Dispose();
        await Server.DisposeAsync();
    }
}
