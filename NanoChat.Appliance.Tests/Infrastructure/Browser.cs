using Microsoft.Playwright;

namespace NanoChat.Appliance.Tests.Infrastructure;

/// <summary>
/// Debian's chromium driven by Playwright for .NET: the driver ships inside the NuGet package and the
/// browser comes from apt (/usr/bin/chromium), so nothing is downloaded at test time. One browser per
/// test collection; each test gets its own context (cookies, storage) so sessions never leak.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Root has no user namespace sandbox here; the background-networking flags keep chromium offline.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task<IPage> NewPageAsync(Uri baseAddress, int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

/// <summary>A browser test: skipped with the reason when Debian's chromium is absent (never on CI, whose script installs it).</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!File.Exists(BrowserFixture.ChromiumPath) && Environment.GetEnvironmentVariable("CI") != "true")
            Skip = $"Debian's chromium is not installed at {BrowserFixture.ChromiumPath} (apt-get install chromium).";
    }
}
