using Microsoft.Playwright;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Accounts;

/// <summary>Sign-in, projects and sign-out as a student does it: Debian's chromium against the real server.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SignInPageTests(BrowserFixture browser) : IAsyncLifetime
{
    private ApplianceServer _server = null!;

    public async Task InitializeAsync() => _server = await ApplianceServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    [BrowserFact]
    public async Task Student_signs_in_creates_renames_and_deletes_a_project_and_signs_out()
    {
        using var _ = await _server.SignUpAsync("teacher");
        using var __ = await _server.SignUpAsync("sam", "sam-password-1");
        var page = await browser.NewPageAsync(_server.Address);
        var scriptErrors = new List<string>();
        page.PageError += (_, error) => scriptErrors.Add(error);
        page.Console += (_, message) => { if (message.Type == "error") scriptErrors.Add(message.Text); };

        await page.GotoAsync("/");
        Assert.EndsWith("/login?returnUrl=%2F", page.Url, StringComparison.Ordinal);
        await page.GetByLabel("Username").FillAsync("sam");
        await page.GetByLabel("Password").FillAsync("wrong-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Wrong username or password.");

        await page.GetByLabel("Password").FillAsync("sam-password-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith('/'));
        await Assertions.Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("sam");
        await Screenshots.SaveAsync(page, "projects-empty");

        // Create a project through htmx; a hostile name is shown as text, never run.
        await page.GetByLabel("New project name").FillAsync("<img src=x onerror=\"document.title='pwned'\">");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create project" }).ClickAsync();
        var row = page.Locator("#project-list li").First;
        await Assertions.Expect(row).ToContainTextAsync("<img src=x");
        Assert.NotEqual("pwned", await page.TitleAsync());
        await Assertions.Expect(page.GetByLabel("New project name")).ToHaveValueAsync("");

        await row.GetByText("Rename").ClickAsync();
        await row.Locator("input[name=name]").FillAsync("GPT from scratch");
        await row.GetByRole(AriaRole.Button, new() { Name = "Save name" }).ClickAsync();
        await Assertions.Expect(page.Locator("#project-list li").First).ToContainTextAsync("GPT from scratch");
        await Screenshots.SaveAsync(page, "projects-one");

        // The project persists across a reload; then delete it (confirm dialog accepted).
        await page.ReloadAsync();
        await Screenshots.SaveAsync(page, "projects-reloaded");
        await Assertions.Expect(page.Locator("#project-list li")).ToHaveCountAsync(1);
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.Locator("#project-list li").First.GetByRole(AriaRole.Button, new() { NameRegex = new("^Delete project") }).ClickAsync();
        await Assertions.Expect(page.Locator("#project-list li")).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Button, new() { NameRegex = new("^Sign out") }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/login", StringComparison.Ordinal));
        await page.GotoAsync("/");
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        Assert.Empty(scriptErrors);
    }

    [BrowserFact]
    public async Task Kiosk_signs_out_by_itself_after_the_idle_time()
    {
        await using var kiosk = await ApplianceServer.StartAsync(configure: options => options.IdleSignoutMinutes = 0.05); // 3 s
        using var _ = await kiosk.SignUpAsync("walker", "walker-password");
        var page = await browser.NewPageAsync(kiosk.Address);
        await page.GotoAsync("/login");
        await page.GetByLabel("Username").FillAsync("walker");
        await page.GetByLabel("Password").FillAsync("walker-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("walker");

        await page.WaitForURLAsync(url => url.Contains("/login?idle=1", StringComparison.Ordinal), new() { Timeout = 15_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("signed out after 3 seconds without activity");
        await page.GotoAsync("/");
        Assert.Contains("/login", page.Url, StringComparison.Ordinal); // the session is really gone
    }

    [BrowserFact]
    public async Task Registration_page_creates_an_account_and_signs_it_in()
    {
        using var _ = await _server.SignUpAsync("teacher");
        var page = await browser.NewPageAsync(_server.Address);
        await page.GotoAsync("/login");
        await page.GetByRole(AriaRole.Link, new() { Name = "Create one" }).ClickAsync();
        await page.GetByLabel("Username").FillAsync("newbie");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("newbie-pass-1");
        await page.GetByLabel("Repeat the password").FillAsync("newbie-pass-1");
        await Screenshots.SaveAsync(page, "register");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("newbie");
    }
}
