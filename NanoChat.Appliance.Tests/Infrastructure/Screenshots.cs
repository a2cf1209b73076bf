using Microsoft.Playwright;

namespace NanoChat.Appliance.Tests.Infrastructure;

/// <summary>Saves page screenshots under TestResults/screenshots for people to look at (CI keeps them as artifacts).</summary>
public static class Screenshots
{
    public static async Task SaveAsync(IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable("NANOCHAT_SCREENSHOTS") ?? Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }
}
