using Microsoft.Playwright;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Accounts;

/// <summary>
/// Idle means no input in any tab of the browser, and an idle sign-out ends that browser's session
/// only (the page no longer signs out by itself, which ended every tab and device of the user).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class IdleSignoutBrowserTests(BrowserFixture browser)
{
    private static async Task SignInAsync(IPage page, string username, string password)
    {
        await page.GotoAsync("/login");
        await page.GetByLabel("Username").FillAsync(username);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync(username);
    }

    private static async Task KeepMovingAsync(IPage page, TimeSpan during)
    {
        var until = DateTime.UtcNow + during;
        for (var step = 0; DateTime.UtcNow < until; step++)
        {
            await page.Mouse.MoveAsync(100 + step % 50, 100 + step % 30);
            await Task.Delay(300);
        }
    }

    [BrowserFact]
    public async Task An_idle_browser_is_signed_out_and_the_users_other_browser_stays_signed_in()
    {
        await using var kiosk = await ApplianceServer.StartAsync(configure: options => options.IdleSignoutMinutes = 0.1); // 6 s
        using var _ = await kiosk.SignUpAsync("ines", "ines-password");
        var idle = await browser.NewPageAsync(kiosk.Address);
        var busy = await browser.NewPageAsync(kiosk.Address); // another context: another browser of the same user
        await SignInAsync(idle, "ines", "ines-password");
        await SignInAsync(busy, "ines", "ines-password");

        var typing = KeepMovingAsync(busy, TimeSpan.FromSeconds(12));
        await idle.WaitForURLAsync(url => url.Contains("/login?idle=1", StringComparison.Ordinal), new() { Timeout = 15_000 });
        await typing;

        await busy.ReloadAsync();
        await Assertions.Expect(busy.GetByTestId("signed-in-user")).ToHaveTextAsync("ines");
    }

    [BrowserFact]
    public async Task Input_in_one_tab_keeps_the_other_tabs_of_the_browser_signed_in()
    {
        await using var kiosk = await ApplianceServer.StartAsync(configure: options => options.IdleSignoutMinutes = 0.1); // 6 s
        using var _ = await kiosk.SignUpAsync("jonas", "jonas-password");
        var quiet = await browser.NewPageAsync(kiosk.Address);
        await SignInAsync(quiet, "jonas", "jonas-password");
        var active = await quiet.Context.NewPageAsync();
        await active.GotoAsync("/");

        await KeepMovingAsync(active, TimeSpan.FromSeconds(14));
        Assert.DoesNotContain("/login", quiet.Url, StringComparison.Ordinal);
        Assert.DoesNotContain("/login", active.Url, StringComparison.Ordinal);
        await quiet.ReloadAsync();
        await Assertions.Expect(quiet.GetByTestId("signed-in-user")).ToHaveTextAsync("jonas");
    }
}
