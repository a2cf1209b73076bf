using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Notebooks;

/// <summary>
/// Raw HTML in a markdown cell renders as Jupyter shows it, sanitized: the harmless tags become
/// elements, anything that could run script, restyle the page, post a form or fetch from elsewhere
/// does not survive.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NotebookMarkdownHtmlTests(BrowserFixture browser)
{
    private const string Pixel = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

    [BrowserFact]
    public async Task Harmless_html_renders_as_elements_and_nothing_in_it_runs()
    {
        await using var session = await EditorSession.StartAsync(browser);
        var source = $"""
            Press <kbd>Ctrl</kbd> and <b>bold</b><br>next line

            <details><summary>More</summary>hidden text</details>

            <div class="alert alert-info">Note this</div>

            <img src="{Pixel}" alt="pixel"> <img src="/favicon.ico" alt="local"> <img src="https://evil.example/a.png" alt="far"> <img src="/	/evil.example/b.png" alt="tab">

            <img src="x" onerror="window.pwned = 'onerror'"> <script>window.pwned = 'script'</script>
            <a href="javascript:window.pwned='link'" id="bad-link">link</a> <iframe src="/"></iframe>
            <style>body {"{"} display: none {"}"}</style> <form action="/logout" method="post"><input name="a"><button>Go</button></form>
            """;
        var id = await session.CreateNotebookAsync("Html", new { type = "markdown", source });
        var page = await session.OpenAsync(id);
        var markdown = page.Locator(".cell-markdown .markdown");
        await markdown.Locator("details").WaitForAsync();

        Assert.Equal("Ctrl", await markdown.Locator("kbd").TextContentAsync());
        Assert.Equal("bold", await markdown.Locator("b").TextContentAsync());
        Assert.Equal(1, await markdown.Locator("br").CountAsync());
        Assert.Equal("More", await markdown.Locator("details > summary").TextContentAsync());
        Assert.Equal("Note this", await markdown.Locator("div.alert.alert-info").TextContentAsync());
        Assert.Equal(Pixel, await markdown.Locator("img[alt=pixel]").GetAttributeAsync("src"));
        Assert.Equal("/favicon.ico", await markdown.Locator("img[alt=local]").GetAttributeAsync("src"));
        Assert.Null(await markdown.Locator("img[alt=far]").GetAttributeAsync("src"));
        Assert.Null(await markdown.Locator("img[alt=tab]").GetAttributeAsync("src"));

        foreach (var refused in new[] { "script", "iframe", "style", "form", "input", "button", "[onerror]" })
            Assert.Equal(0, await markdown.Locator(refused).CountAsync());
        Assert.DoesNotContain("javascript:", await markdown.Locator("#bad-link, a").Last.GetAttributeAsync("href") ?? "");
        await page.WaitForTimeoutAsync(500);
        Assert.Null(await page.EvaluateAsync<string?>("() => window.pwned ?? null"));
        Assert.True(await page.Locator("body").IsVisibleAsync());
    }
}
