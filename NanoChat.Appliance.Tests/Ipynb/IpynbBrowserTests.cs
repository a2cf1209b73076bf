using System.Net.Http.Json;
using Microsoft.Playwright;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Ipynb;

/// <summary>The project page in chromium: import by file input, a refused file's message, download, and the Tutorials page.</summary>
[Collection(BrowserCollection.Name)]
public sealed class IpynbBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private ApplianceServer _server = null!;

    public async Task InitializeAsync() => _server = await ApplianceServer.StartAsync(configure: options => options.Kernels.StartOnOpen = false);
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(IPage Page, long ProjectId)> SignedInProjectPageAsync()
    {
        using var user = await _server.SignUpAsync("iris");
        var project = await (await user.Http.PostAsJsonAsync("/api/projects", new { name = "Course" })).ReadJsonAsync();
        var projectId = project["id"]!.GetValue<long>();
        var page = await browser.NewPageAsync(_server.Address);
        await page.GotoAsync("/login");
        await page.FillAsync("#username", "iris");
        await page.FillAsync("#password", "correct horse battery");
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Commit });
        await page.GotoAsync($"/projects/{projectId}");
        return (page, projectId);
    }

    [BrowserFact]
    public async Task A_notebook_chosen_on_the_project_page_is_imported_and_can_be_downloaded()
    {
        var (page, _) = await SignedInProjectPageAsync();
        await page.SetInputFilesAsync("#ipynb-file", IpynbFixtures.Path("course-lecture.ipynb"));
        var row = page.Locator("#notebook-list a.item-title", new PageLocatorOptions { HasText = "course-lecture" });
        await row.WaitForAsync();
        await Screenshots.SaveAsync(page, "ipynb-imported");

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("text=Download .ipynb"));
        Assert.Equal("course-lecture.ipynb", download.SuggestedFilename);
        var saved = await download.PathAsync();
        var exported = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(saved!))!;
        Assert.Equal(5, exported["nbformat_minor"]!.GetValue<int>());
        Assert.Equal(8, exported["cells"]!.AsArray().Count);
    }

    [BrowserFact]
    public async Task A_refused_file_shows_the_servers_reason_on_the_page()
    {
        var (page, _) = await SignedInProjectPageAsync();
        await page.SetInputFilesAsync("#ipynb-file", new FilePayload { Name = "broken.ipynb", MimeType = "application/x-ipynb+json", Buffer = "{\"nbformat\": 4, \"cells\": 3}"u8.ToArray() });
        var status = page.GetByTestId("ipynb-status");
        await Assertions.Expect(status).ToContainTextAsync("broken.ipynb: notebook.cells must be a list");
        Assert.Equal(0, await page.Locator("#notebook-list li").CountAsync());
    }

    [BrowserFact]
    public async Task The_tutorials_page_opens_a_copy_in_the_notebook_view()
    {
        var (page, _) = await SignedInProjectPageAsync();
        await page.ClickAsync("nav.mainnav >> text=Tutorials");
        await page.ClickAsync("button[aria-label='Open A tiny GPT from scratch (CPU)']");
        await page.WaitForURLAsync(url => url.Contains("/notebooks/", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("#notebook-title")).ToHaveTextAsync("A tiny GPT from scratch (CPU)");
        await page.GotoAsync("/tutorials");
        await Assertions.Expect(page.Locator("#tutorial-tiny-gpt-cpu")).ToContainTextAsync("Continue your copy");
        await Screenshots.SaveAsync(page, "tutorials");
    }
}
