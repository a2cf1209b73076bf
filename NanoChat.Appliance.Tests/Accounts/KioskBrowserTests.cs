using Microsoft.Playwright;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Accounts;

/// <summary>A shared lab browser with a profile on disk, as a kiosk keeps it between users.</summary>
[Collection(BrowserCollection.Name)]
public sealed class KioskBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private ApplianceServer _server = null!;
    private readonly string _profile = TempFolders.Create("chromium-profile");

    public async Task InitializeAsync() => _server = await ApplianceServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        TempFolders.Delete(_profile);
    }

    private Task<IBrowserContext> LaunchProfileAsync() =>
        browser.Browser.BrowserType.LaunchPersistentContextAsync(_profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = BrowserFixture.ChromiumPath,
            Headless = true,
            BaseURL = _server.Address.ToString(),
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });

    [BrowserFact]
    public async Task Closing_the_browser_forgets_the_sign_in_even_with_a_profile_on_disk()
    {
        using var _ = await _server.SignUpAsync("kiosk-teacher");
        using var __ = await _server.SignUpAsync("uma", "uma-password-1");

        var first = await LaunchProfileAsync();
        var page = first.Pages.FirstOrDefault() ?? await first.NewPageAsync();
        await page.GotoAsync("/login");
        await page.GetByLabel("Username").FillAsync("uma");
        await page.GetByLabel("Password").FillAsync("uma-password-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("uma");
        await first.CloseAsync();

        // The next person opens the same browser profile.
        var second = await LaunchProfileAsync();
        try
        {
            var next = second.Pages.FirstOrDefault() ?? await second.NewPageAsync();
            await next.GotoAsync("/");
            Assert.Contains("/login", next.Url, StringComparison.Ordinal);
        }
        finally
        {
            await second.CloseAsync();
        }
    }
}
